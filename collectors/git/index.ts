import { realpath } from 'node:fs/promises';
import { emitAll, mapPool, type Collector } from '../../src/collector/kit.js';
import { CollectError } from '../../src/http/errors.js';
import { openGit } from './api.js';
import { compilePattern, gitConfigSchema, type GitConfig } from './config.js';
import { measureGit } from './measure.js';
import { LIMITS, readRepo } from './read.js';
import { GIT_SIGNAL_IDS, GIT_SIGNALS } from './signals.js';

export { gitConfigSchema, type GitConfig } from './config.js';

/** Repositories read at once: each runs one git command at a time. */
const REPO_CONCURRENCY = 2;

export const gitCollector: Collector<GitConfig> = {
  id: 'git',
  description: 'Local git clones (git CLI, read-only): release tags, merges, reverts, hotfixes, configuration as code, CODEOWNERS',
  signals: GIT_SIGNALS,
  configSchema: gitConfigSchema,
  async collect(ctx) {
    const record = ctx.recordCommand;
    const { config } = ctx;
    const settings = {
      branch: config.branch,
      releaseTags: compilePattern(config.release_tags),
      hotfix: compilePattern(config.hotfix),
      window: { start: ctx.window.start.getTime() / 1000, end: ctx.window.end.getTime() / 1000 },
    };

    const repos = await mapPool(config.repositories, REPO_CONCURRENCY, async (path) => {
      const resolved = ctx.resolvePath(path);
      const real = await realpath(resolved).catch(() => resolved);
      const git = openGit(real, { record, signal: ctx.signal, maxBytes: LIMITS.maxOutputBytes });
      const facts = await readRepo(git, path, settings);
      if (facts.refs.status !== 'ok') ctx.log.warn('repository not read', { path, reason: facts.refs.reason });
      return facts;
    }, ctx.signal);

    // Not one repository could be read: the instance fails as a whole, with every path's reason.
    const unreadable = repos.flatMap((r) => (r.refs.status === 'failed' ? [r.refs] : []));
    if (unreadable.length === repos.length) {
      const first = unreadable[0];
      throw new CollectError(first.kind ?? 'unavailable', [...new Set(unreadable.map((u) => u.reason))].join('; '), {
        evidence: first.evidence[0],
      });
    }

    const measured = measureGit({ repos, releaseTags: config.release_tags, window: settings.window, windowSeconds: ctx.window.seconds }, GIT_SIGNAL_IDS);
    emitAll(ctx, GIT_SIGNALS, measured, 'not measured');
  },
};

