import { writeFileSync } from 'node:fs';
import { openApiFile, renderOpenApi } from '../src/openapi/openapi.ts';

writeFileSync(openApiFile, await renderOpenApi());
process.stdout.write(`Wrote ${openApiFile}\n`);
