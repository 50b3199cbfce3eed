import { z } from 'zod';
import type { HttpClient, HttpResponse } from '../../src/http/client.js';

/**
 * The part of OpenCost's allocation API techops reads (opencost/opencost, docs/api.md and
 * docs/swagger.json): `GET /allocation/compute` answers `{ code, data: [set, …] }`, one set per
 * `step` of the window (one set when `accumulate=true`), each set a map from the aggregate's key
 * (a namespace, a label's value, `__unallocated__` for allocations without that label,
 * `__idle__` for capacity no workload claimed) to an allocation. The fields read must have their
 * documented type; a number OpenCost could not compute (NaN) arrives as null and is treated as
 * absent.
 */

const amount = z.number().nullish().transform((n) => (typeof n === 'number' && Number.isFinite(n) ? n : 0));
const optionalAmount = z.number().nullish().transform((n) => (typeof n === 'number' && Number.isFinite(n) ? n : undefined));

export const allocationSchema = z.object({
  name: z.string(),
  window: z.object({ start: z.string().nullish(), end: z.string().nullish() }).nullish(),
  start: z.string().nullish(),
  end: z.string().nullish(),
  minutes: amount,
  cpuCoreHours: amount,
  cpuCoreRequestAverage: amount,
  cpuCoreUsageAverage: amount,
  cpuCost: amount,
  gpuCost: amount,
  ramByteHours: amount,
  ramByteRequestAverage: amount,
  ramByteUsageAverage: amount,
  ramCost: amount,
  pvCost: amount,
  networkCost: amount,
  loadBalancerCost: amount,
  sharedCost: amount,
  externalCost: amount,
  totalCost: z.number(),
  cpuEfficiency: optionalAmount,
  ramEfficiency: optionalAmount,
});

export const allocationResponse = z.object({
  code: z.number(),
  status: z.string().optional(),
  message: z.string().optional(),
  // an empty step is null or {}; allocations OpenCost drops are null too
  data: z.array(z.record(z.string(), allocationSchema.nullable()).nullable()),
});

export type Allocation = z.infer<typeof allocationSchema>;
/** One step of the window: aggregate key → allocation. */
export type AllocationSet = Record<string, Allocation>;

export interface AllocationQuery {
  /** The window as OpenCost takes it: an RFC 3339 pair `start,end`. */
  window: string;
  aggregate: string;
  accumulate: boolean;
  step?: string;
  includeIdle?: boolean;
}

/** The requests techops makes, one function per endpoint; all GET. */
export function opencostApi(http: HttpClient) {
  return {
    allocation: async (q: AllocationQuery): Promise<HttpResponse<AllocationSet[]>> => {
      const res = await http.getJson('/allocation/compute', allocationResponse, {
        params: { window: q.window, aggregate: q.aggregate, accumulate: q.accumulate, ...(q.step ? { step: q.step } : {}), ...(q.includeIdle ? { includeIdle: true } : {}) },
      });
      const sets = res.data.data.map((s) => Object.fromEntries(Object.entries(s ?? {}).filter((e): e is [string, Allocation] => e[1] !== null)));
      return { ...res, data: sets };
    },
  };
}

export type OpencostApi = ReturnType<typeof opencostApi>;
