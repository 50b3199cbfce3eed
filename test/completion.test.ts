import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { fixtureCollector } from './helpers/fixture-collector.js';

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { registry: [fixtureCollector], stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stderrIsTTY: false });
  return { code, stdout, stderr };
}

/** The commands and options as `--help` lists them: read independently of the completion code. */
async function helpTree(path: string[] = []): Promise<{ path: string[]; commands: string[]; options: string[] }[]> {
  if (path.length > 3) throw new Error(`help tree deeper than expected at ${path.join(' ')}`);
  const help = (await cli([...path, '--help'])).stdout;
  const section = (title: string) => {
    const start = help.indexOf(`\n${title}:\n`);
    if (start < 0) return [];
    const body = help.slice(start + title.length + 3).split(/\n\n|\n(?=\S)/)[0];
    // an entry starts two spaces in; a wrapped description continues further in
    return body.split('\n').filter((l) => /^  \S/.test(l)).map((l) => l.trim());
  };
  const commands = section('Commands').map((l) => l.split(/[\s|]/)[0]).filter((c) => c !== 'help');
  const options = section('Options').flatMap((l) => l.split(/\s{2,}/)[0].match(/--?[A-Za-z][\w-]*/g) ?? []);
  const below = await Promise.all(commands.map((c) => helpTree([...path, c])));
  return [{ path, commands, options }, ...below.flat()];
}

const bash = (script: string, words: string[]) =>
  spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _techops; printf '%s\\n' "\${COMPREPLY[@]}"`, '_', ...words], { encoding: 'utf8' });

describe('techops completion', () => {
  it('the bash and zsh scripts name every command, subcommand and option the CLI has', async () => {
    const tree = await helpTree();
    expect(tree[0].commands).toEqual(expect.arrayContaining(['scan', 'plan', 'attest', 'config', 'completion']));
    expect(tree.length).toBeGreaterThan(15);
    for (const shell of ['bash', 'zsh']) {
      const r = await cli(['completion', shell]);
      expect(r.code).toBe(0);
      for (const node of tree) {
        const here = node.path.join(' ');
        // each command path has its case, listing its subcommands and its options
        const line = r.stdout.split('\n').find((l) => l.includes(shell === 'bash' ? `'${here}') echo '` : `'${here}') reply=(`) && node.options.every((o) => l.includes(o)));
        expect(line, `${shell}: options of '${here}'`).toBeDefined();
        for (const c of node.commands) expect(r.stdout, `${shell}: ${here} ${c}`).toContain(shell === 'bash' ? c : `'${c}:`);
      }
    }
  });

  it('the bash script completes commands, options and option choices in a real bash', async () => {
    const script = (await cli(['completion', 'bash'])).stdout;
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
    expect(bash(script, ['techops', 'pl']).stdout).toBe('plan\n');
    expect(bash(script, ['techops', 'scan', '--la']).stdout).toBe('--lang\n');
    expect(bash(script, ['techops', 'scan', '--lang', '']).stdout).toBe('en\nzh\n');
    expect(bash(script, ['techops', '--log-level', 'warn', 'attest', '']).stdout).toBe('template\n');
    expect(bash(script, ['techops', 'plan', '--format', '']).stdout).toBe('table\nmarkdown\nmd\njson\n');
    expect(bash(script, ['techops', 'completion', '']).stdout).toBe('bash\nzsh\n');
    // --version is the program's alone
    expect(bash(script, ['techops', 'scan', '--ver']).stdout).toBe('\n');
  });

  it.skipIf(!existsSync('/usr/bin/zsh') && !existsSync('/bin/zsh'))('the zsh script parses and offers the same words (zsh with the completion builtins stubbed)', async () => {
    const script = (await cli(['completion', 'zsh'])).stdout;
    expect(spawnSync('zsh', ['-n'], { input: script }).status).toBe(0);
    const zsh = (words: string[]) => spawnSync('zsh', ['-c', [
      'compdef() { :; }',
      'compadd() { shift; print -rl -- "${(@P)1}"; }',
      '_describe() { print -rl -- "${(@P)4%%:*}"; }',
      '_files() { print FILES; }',
      script,
      'words=("$@"); CURRENT=${#words}; _techops',
    ].join('\n'), '_', ...words], { encoding: 'utf8' }).stdout.trim().split('\n');
    expect(zsh(['techops', ''])).toEqual(expect.arrayContaining(['scan', 'plan', 'completion']));
    expect(zsh(['techops', 'scan', '--lang', ''])).toEqual(['en', 'zh']);
    expect(zsh(['techops', 'attest', ''])).toEqual(['template']);
    expect(zsh(['techops', 'scan', '-c', ''])).toEqual(['FILES']);
  });

  it('refuses a shell it does not know', async () => {
    const r = await cli(['completion', 'fish']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/command-argument value 'fish' is invalid/);
  });
});
