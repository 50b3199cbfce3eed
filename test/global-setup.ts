import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';

// The end-to-end tests run the built CLI (dist/), so build it from the sources under test.
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
  // as the build script does: the bin must be executable for `npx techops`
  chmodSync('dist/bin/techops.js', 0o755);
}
