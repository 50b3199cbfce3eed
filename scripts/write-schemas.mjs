// Regenerates schemas/report.schema.json from src/report/schema.ts (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { reportJsonSchema } from '../dist/src/report/schema.js';

writeFileSync(new URL('../schemas/report.schema.json', import.meta.url), JSON.stringify(reportJsonSchema(), null, 2) + '\n');
console.log('wrote schemas/report.schema.json');
