import { execFileSync } from 'node:child_process';

// The end-to-end tests run the built CLI (dist/), so build it from the sources under test.
export default function setup(): void {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'], { stdio: 'inherit' });
}
