// The building blocks of the configuration schema: a leaf with the metadata that errors and the README reference use.
import { z } from 'zod';

/** Metadata each leaf carries: `expected` feeds error messages, `description` the README reference. */
export interface SettingMeta {
  readonly expected: string;
  readonly description: string;
  /** A secret value is never echoed in an error message. */
  readonly secret?: boolean;
}

export function setting<T extends z.ZodType>(schema: T, meta: SettingMeta): T {
  return schema.meta({ ...meta });
}

export const seconds = (min: number, max: number) => z.number().int().min(min).max(max);
