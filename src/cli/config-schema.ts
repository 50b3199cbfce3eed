import { z } from 'zod';
import type { Registry } from '../collector/types.js';
import { configSchema, instanceCommon } from '../config/schema.js';

/** JSON Schema of the config file for editors (yaml-language-server), collectors' keys included. */
export function configJsonSchema(registry: Registry): Record<string, unknown> {
  const collectorShapes: Record<string, z.ZodType> = {};
  for (const c of registry) {
    const own = c.configSchema instanceof z.ZodObject ? instanceCommon.extend((c.configSchema as z.ZodObject).shape).strict() : instanceCommon;
    // Optional: a config names only the collectors it uses.
    collectorShapes[c.id] = z.array(own).optional().describe(c.description);
  }
  const schema = configSchema.extend({
    collectors: z.object(collectorShapes).strict().optional().describe('Instances per collector.'),
  });
  return {
    title: 'techops config',
    ...(z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>),
  };
}
