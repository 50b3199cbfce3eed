import { count, flag, number, ratio, type SignalIds } from '../../src/collector/kit.js';

/**
 * Every signal the OpenCost collector emits. Costs are in the currency OpenCost is configured
 * with (its pricing model), over the scan window. "Workload cost" is every allocation but idle.
 */
export const SIGNALS = [
  flag('opencost.api.reachable', 'GET /allocation/compute answered for the scan window'),
  number('opencost.cost.total', 'currency', 'Cost of the cluster over the scan window: every allocation, idle included (aggregate=namespace, includeIdle=true)', 'sum'),
  ratio('opencost.cost.idle_ratio', 'Idle cost (__idle__: capacity no workload requested or used) over the total cost of the window', 'max'),
  ratio('opencost.cost.team_allocated_ratio', 'Workload cost carried by a team label (the configured team_label, on the pod or its namespace) over all workload cost; the rest is __unallocated__'),
  ratio('opencost.cost.service_allocated_ratio', 'Workload cost carried by a service label (the configured service_label) over all workload cost; the rest is __unallocated__'),
  count('opencost.teams.count', 'Teams (values of the team label) with cost in the window', 'max'),
  count('opencost.services.count', 'Services (values of the service label) with cost in the window', 'max'),
  count('opencost.environments.count', 'Environments (values of the environment label) with cost in the window', 'max'),
  count('opencost.nodes.count', 'Nodes (machines) with cost in the window (aggregate=node)'),
  count('opencost.cost.dimensions', 'Kinds of cost with a non-zero amount in the window, of cpu, gpu, ram, persistent volumes, network, load balancers, shared and external', 'max'),
  number('opencost.cpu.core_hour_cost', 'currency/core-hour', 'Workload CPU cost over the CPU core-hours allocated (the conversion rule that prices one core for one hour)'),
  number('opencost.memory.gib_hour_cost', 'currency/GiB-hour', 'Workload RAM cost over the GiB-hours of memory allocated'),
  number('opencost.efficiency.cpu', 'fraction', 'CPU used over CPU requested across workloads: sum(cpuCoreUsageAverage × minutes) / sum(cpuCoreRequestAverage × minutes) (above 1 when workloads use more than they request)', 'min'),
  number('opencost.efficiency.memory', 'fraction', 'Memory used over memory requested across workloads: sum(ramByteUsageAverage × minutes) / sum(ramByteRequestAverage × minutes)', 'min'),
  ratio('opencost.cost.days_with_data_ratio', 'Days of the window for which OpenCost has cost (step=1d): continuous, automatic accounting', 'min'),
  number('opencost.cost.weekly_change', 'fraction', 'Change of workload cost from the week before the last to the last week of the window (0.1 = 10 % more); the per-service changes are listed with it', 'max'),
] as const;

export type OpencostSignalId = SignalIds<typeof SIGNALS>;
