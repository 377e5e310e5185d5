import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { migrationsFolder } from '../db/index.ts';
import { openApiFile, renderOpenApi } from './openapi.ts';

const hubDir = fileURLToPath(new URL('../..', import.meta.url));

describe('generated files are committed and current', () => {
  it('openapi.json matches the routes (regenerate: npm run generate:openapi -w @tutti/hub)', async () => {
    expect(await renderOpenApi()).toBe(readFileSync(openApiFile, 'utf8'));
  });

  it('the Drizzle migrations match the schema (regenerate: npx drizzle-kit generate in packages/hub)', () => {
    const out = mkdtempSync(join(tmpdir(), 'tutti-drizzle-'));
    try {
      cpSync(migrationsFolder, out, { recursive: true });
      const before = readdirSync(out).sort();
      execFileSync(
        'npx',
        ['drizzle-kit', 'generate', '--dialect', 'postgresql', '--schema', './src/db/schema.ts', '--out', out],
        { cwd: hubDir, stdio: 'pipe' },
      );
      expect(readdirSync(out).sort()).toEqual(before);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
