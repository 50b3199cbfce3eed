import { z } from 'zod';
import type { HttpClient, HttpResponse } from '../../src/http/client.js';
import { container, values, type JsonValues } from '../../src/http/json-stream.js';

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

/**
 * How `GET /allocation/compute` answers, read value by value (an allocation set by service of a
 * large cluster is megabytes): `code` a number; `data` an array of sets, each an object (or null:
 * an empty step) from the aggregate's key to an allocation (null: one OpenCost dropped).
 */
function allocationAnswer(sets: AllocationSet[]): JsonValues[] {
  return [
    values('$.code', z.number(), () => {}, { required: true }),
    container('$.data'),
    // every set, the empty ones too: a day without allocations is still a day of the window
    values('$.data.*.*', allocationSchema.nullable(), (a, key, path) => {
      // defined, not assigned: a key named __proto__ stays a key
      if (a) Object.defineProperty(sets[path[1] as number], key as string, { value: a, enumerable: true, writable: true, configurable: true });
    }, { in: 'object', nullable: true, opened: (path) => { sets[path[1] as number] = {}; } }),
  ];
}

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
      // a fresh array for each attempt: a body cut off midway is read again from its start
      let sets: AllocationSet[] = [];
      const res = await http.getJsonValues('/allocation/compute', () => allocationAnswer((sets = [])), {
        params: { window: q.window, aggregate: q.aggregate, accumulate: q.accumulate, ...(q.step ? { step: q.step } : {}), ...(q.includeIdle ? { includeIdle: true } : {}) },
      });
      return { ...res, data: sets };
    },
  };
}

export type OpencostApi = ReturnType<typeof opencostApi>;
