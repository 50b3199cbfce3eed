import { z } from 'zod';

/**
 * A config field holding a case-insensitive regular expression in JavaScript syntax (project
 * filters, environment names): checked when the config is read, so a bad pattern is one clear
 * message naming its key instead of a failure mid-scan.
 */
export const caseInsensitivePattern = () =>
  z.string().min(1).refine((s) => {
    try {
      new RegExp(s, 'i');
      return true;
    } catch {
      return false;
    }
  }, 'expected a regular expression (JavaScript syntax)');
