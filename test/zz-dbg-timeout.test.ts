import nock from 'nock';
import { it } from 'vitest';
import { EvidenceLog } from '../src/evidence/types.js';
import { createHttpClient } from '../src/http/client.js';
import { Redactor } from '../src/redact.js';
it('dbg', async () => {
  nock('http://prom.test:9090').get('/api/v1/x').query(true).delay(500).reply(200, 'late');
  const evidence = new EvidenceLog();
  const c = createHttpClient({ collector: 'c', instance: 'i', baseURL: 'http://prom.test:9090', evidence, redactor: new Redactor(), timeoutMs: 100, retries: 0 });
  try { await c.getText('/api/v1/x'); } catch (e: any) { console.log(e.kind, e.message, e.detail, evidence.records); }
});
