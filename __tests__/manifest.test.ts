// manifest.json: every problem of a hand-written manifest at its line, a deterministic serializer,
// and the re-check of a built manifest.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import schema from '../schema/manifest.schema.json' with { type: 'json' };
import { buildPackage } from '../src/package/build.js';
import {
  buildManifest,
  MANIFEST_MAX_BYTES,
  manifestProblems,
  parseManifest,
  serializeManifest,
} from '../src/package/manifest/index.js';
import type { Diagnostic, Manifest } from '../src/package/types.js';
import { sha256 } from './support/hash.js';
import { cleanupTemp, goodManifest, manifestPackage, prebuiltPackage, tempDir } from './support/pkg.js';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

const parse = (text: string | Buffer) =>
  parseManifest(Buffer.isBuffer(text) ? text : Buffer.from(text), 'pkg/manifest.json');

/** A valid manifest, one key per line (line numbers below refer to this layout). */
const GOOD = `{
  "schemaVersion": "2.0",
  "version": "1.0.0",
  "publisher": "Acme Corp",
  "packages": {
    "amazon": {
      "_any": {
        "x86_64": { "file": "linux.zip" },
        "arm64": { "file": "linux.zip" }
      }
    },
    "windows": {
      "_any": {
        "_any": { "file": "windows.zip" }
      }
    }
  },
  "files": {
    "linux.zip": { "checksums": { "sha256": "${SHA_A}" } },
    "windows.zip": { "checksums": { "sha256": "${SHA_B}" } }
  }
}
`;

function only(ds: Diagnostic[], rule: string): Diagnostic {
  const found = ds.filter((d) => d.rule === rule);
  expect(found, JSON.stringify(ds, null, 2)).toHaveLength(1);
  return found[0]!;
}

describe('parseManifest', () => {
  it('reads a valid manifest: targets with the locations of their keys, file and version locations', () => {
    const { parsed, diagnostics } = parse(GOOD);
    expect(diagnostics).toEqual([]);
    expect(parsed.manifest).toEqual(JSON.parse(GOOD));
    expect(parsed.raw.toString()).toBe(GOOD);
    expect(parsed.versionLoc).toEqual({ file: 'pkg/manifest.json', line: 3, column: 14 });
    expect(parsed.fileLocs).toEqual({
      'linux.zip': { file: 'pkg/manifest.json', line: 19, column: 5 },
      'windows.zip': { file: 'pkg/manifest.json', line: 20, column: 5 },
    });
    expect(parsed.targets.map((t) => `${t.platform}/${t.version}/${t.arch}`)).toEqual([
      'amazon/_any/x86_64',
      'amazon/_any/arm64',
      'windows/_any/_any',
    ]);
    const arm = parsed.targets[1]!;
    expect(arm.loc).toEqual({ file: 'pkg/manifest.json', line: 9, column: 9 });
    expect(arm.fieldLocs).toEqual({
      platform: { file: 'pkg/manifest.json', line: 6, column: 5 },
      version: { file: 'pkg/manifest.json', line: 7, column: 7 },
      arch: { file: 'pkg/manifest.json', line: 9, column: 9 },
    });
  });

  it('manifest-bom: reported at line 1, and the rest is still checked', () => {
    const { parsed, diagnostics } = parse(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(GOOD.replace('"2.0"', '"1.0"'))]),
    );
    expect(only(diagnostics, 'manifest-bom')).toMatchObject({ line: 1, column: 1, severity: 'error' });
    expect(only(diagnostics, 'manifest-schema').line).toBe(2);
    expect(parsed.manifest).toBeUndefined();
    // With only the BOM wrong, the manifest is still read.
    const bomOnly = parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(GOOD)]));
    expect(bomOnly.diagnostics.map((d) => d.rule)).toEqual(['manifest-bom']);
    expect(bomOnly.parsed.manifest?.version).toBe('1.0.0');
  });

  it('manifest-bom: a UTF-16 file', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(GOOD, 'utf16le')]);
    const { parsed, diagnostics } = parse(utf16);
    expect(diagnostics.map((d) => d.rule)).toEqual(['manifest-bom']);
    expect(only(diagnostics, 'manifest-bom').message).toContain('UTF-16');
    expect(parsed.targets).toHaveLength(3);
  });

  it('manifest-syntax: a missing comma, at the line after it', () => {
    const { parsed, diagnostics } = parse('{\n  "schemaVersion": "2.0"\n  "version": "1.0.0"\n}\n');
    const d = only(diagnostics, 'manifest-syntax');
    expect(d).toMatchObject({ file: 'pkg/manifest.json', line: 3, column: 3 });
    expect(d.message).toContain('a comma is missing');
    expect(parsed.manifest).toBeUndefined();
  });

  it('manifest-syntax: truncated JSON points at its last line; invalid UTF-8 at its line', () => {
    expect(only(parse(GOOD.slice(0, 200)).diagnostics, 'manifest-syntax').line).toBe(
      GOOD.slice(0, 200).trimEnd().split('\n').length,
    );
    const bad = Buffer.from(GOOD.replace('Acme Corp', 'Acme XX'));
    bad[bad.indexOf('XX')] = 0xff;
    expect(only(parse(bad).diagnostics, 'manifest-syntax').line).toBe(4);
  });

  it('manifest-trailing: text after the object is told apart from a syntax error, and the manifest still read', () => {
    const { parsed, diagnostics } = parse(`${GOOD}}\n`);
    const d = only(diagnostics, 'manifest-trailing');
    expect(d.line).toBe(23);
    expect(diagnostics.map((x) => x.rule)).toEqual(['manifest-trailing']);
    expect(parsed.manifest?.version).toBe('1.0.0');
    expect(only(parse(`${GOOD.trimEnd()} // done`).diagnostics, 'manifest-trailing')).toMatchObject({
      line: 22,
      column: 3,
    });
    expect(only(parse(`${GOOD}{"a": 1}`).diagnostics, 'manifest-trailing').line).toBe(23);
  });

  it('manifest-duplicate-key: each repeat, at the later key', () => {
    const text = GOOD.replace('"version": "1.0.0",', '"version": "1.0.0",\n  "version": "1.0.1",').replace(
      '"arm64": { "file": "linux.zip" }',
      '"arm64": { "file": "linux.zip" },\n        "arm64": { "file": "linux.zip" }',
    );
    const { parsed, diagnostics } = parse(text);
    const ds = diagnostics.filter((d) => d.rule === 'manifest-duplicate-key');
    expect(ds.map((d) => d.line)).toEqual([4, 11]);
    expect(ds[0]!.message).toContain('first on line 3');
    // Like the agent, the last value counts.
    expect(parsed.manifest?.version).toBe('1.0.1');
  });

  it('manifest-schema: schemaVersion other than "2.0", at its line', () => {
    const d = only(parse(GOOD.replace('"2.0"', '"1.0"')).diagnostics, 'manifest-schema');
    expect(d).toMatchObject({ line: 2, column: 20, severity: 'error' });
    expect(d.message).toContain('"2.0"');
    expect(only(parse(GOOD.replace('"2.0"', '2.0')).diagnostics, 'manifest-schema').message).toBe(
      'schemaVersion must be the string "2.0" (quoted), not 2.',
    );
  });

  it('manifest-schema: missing fields, bare file names, wrong nesting — all at once', () => {
    const text = `{
  "schemaVersion": "2.0",
  "packages": {
    "amazon": {
      "_any": {
        "x86_64": "linux.zip",
        "arm64": { "name": "linux.zip" }
      }
    },
    "ubuntu": { "_any": "linux.zip" }
  },
  "files": { "linux.zip": { "checksum": { "sha256": "${SHA_A}" } } }
}`;
    const { parsed, diagnostics } = parse(text);
    expect(parsed.manifest).toBeUndefined();
    expect(diagnostics.map((d) => [d.rule, d.line])).toEqual([
      ['manifest-schema', 1],
      ['manifest-schema', 6],
      ['manifest-schema', 7],
      ['manifest-schema', 7],
      ['manifest-schema', 10],
      ['manifest-schema', 12],
      ['manifest-schema', 12],
    ]);
    const msgs = diagnostics.map((d) => d.message);
    expect(msgs[0]).toContain('missing `version`');
    expect(msgs[1]).toBe('packages.amazon._any.x86_64: write `{ "file": "linux.zip" }`, not the bare name.');
    expect(msgs).toContain(
      'packages.amazon._any.arm64: unknown key `name`; the keys allowed here are `file`.',
    );
    expect(msgs).toContain(
      'packages.amazon._any.arm64: missing `file`; add `"file": "<zip name>"` naming a key of `files`.',
    );
    expect(msgs).toContain('files["linux.zip"]: unknown key `checksum`; did you mean `checksums`?');
  });

  it('manifest-unknown-key: an unknown top-level key is a warning, and the manifest is still read', () => {
    const { parsed, diagnostics } = parse(GOOD.replace('"publisher"', '"assumeRole": "x",\n  "publisher"'));
    const d = only(diagnostics, 'manifest-unknown-key');
    expect(d).toMatchObject({ severity: 'warning', line: 4, column: 3 });
    expect(d.message).toContain('`assumeRole`');
    expect(parsed.manifest).toBeDefined();
    expect(parsed.manifest).not.toHaveProperty('assumeRole');
  });

  it('checksum-format: not 64 hex characters, or empty, at the value', () => {
    const { parsed, diagnostics } = parse(GOOD.replace(SHA_A, 'abc123').replace(SHA_B, ''));
    const ds = diagnostics.filter((d) => d.rule === 'checksum-format');
    expect(ds.map((d) => [d.line, d.column])).toEqual([
      [19, 45],
      [20, 47],
    ]);
    expect(ds[0]!.message).toContain('"abc123", not a sha256');
    expect(ds[0]!.message).toContain('sha256sum linux.zip');
    expect(ds[1]!.message).toContain('is empty');
    expect(diagnostics).toHaveLength(2);
    // A bad checksum does not stop the rest: it will be recomputed or compared.
    expect(parsed.manifest).toBeDefined();
  });

  it('file-unlisted: a reference to a file not in files, at the reference', () => {
    const { parsed, diagnostics } = parse(
      GOOD.replace('"arm64": { "file": "linux.zip" }', '"arm64": { "file": "linx.zip" }'),
    );
    const d = only(diagnostics, 'file-unlisted');
    expect(d).toMatchObject({ line: 9, column: 28, severity: 'error' });
    expect(d.message).toBe(
      'packages.amazon._any.arm64 uses "linx.zip", which is not listed in `files` (did you mean "linux.zip"?); add it to `files` with its sha256, or fix the name.',
    );
    expect(diagnostics).toHaveLength(1);
    expect(parsed.targets.find((t) => t.arch === 'arm64')).toBeDefined();
  });

  it('file-unreferenced: a file never used, at its key in files', () => {
    const { parsed, diagnostics } = parse(
      GOOD.replace(
        '"windows.zip": {',
        `"old.zip": { "checksums": { "sha256": "${SHA_A}" } },\n    "windows.zip": {`,
      ),
    );
    const d = only(diagnostics, 'file-unreferenced');
    expect(d).toMatchObject({ line: 20, column: 5, severity: 'warning' });
    expect(d.message).toContain('"old.zip"');
    expect(Object.keys(parsed.fileLocs)).toEqual(['linux.zip', 'old.zip', 'windows.zip']);
  });

  it('manifest-size: a file over 64 KB', () => {
    const big = GOOD.replace('"Acme Corp"', JSON.stringify('x'.repeat(MANIFEST_MAX_BYTES)));
    const d = only(parse(big).diagnostics, 'manifest-size');
    expect(d.message).toContain(`${Buffer.byteLength(big)} bytes`);
    expect(parse(GOOD).diagnostics).toEqual([]);
  });

  it('keys such as __proto__ and constructor are plain keys', () => {
    const text = GOOD.replace('"windows"', '"__proto__"').replace(
      '"linux.zip": {',
      '"constructor": { "checksums": { "sha256": "' + SHA_A + '" } },\n    "linux.zip": {',
    );
    const { parsed, diagnostics } = parse(text);
    expect(diagnostics.map((d) => d.rule)).toEqual(['file-unreferenced']);
    expect(Object.keys(parsed.manifest!.packages)).toEqual(['amazon', '__proto__']);
    expect(Object.getPrototypeOf(parsed.manifest!.packages)).toBe(Object.prototype);
    expect(parsed.targets.map((t) => t.platform)).toContain('__proto__');
  });
});

describe("size and downloadLocation in a files entry (the agent's file type has both)", () => {
  /** GOOD with `extra` added to the linux.zip entry (line 19). */
  const withEntry = (extra: string) =>
    GOOD.replace(
      `"linux.zip": { "checksums": { "sha256": "${SHA_A}" } }`,
      `"linux.zip": { "checksums": { "sha256": "${SHA_A}" }${extra} }`,
    );
  /** The 1-based column on line 19 where `needle` starts. */
  const valueColumn = (text: string, needle: string) => text.split('\n')[18]!.indexOf(needle) + 1;

  it('are accepted, as sample-ssm-converge and AWS write them; the size is kept with the place of its value', () => {
    const text = withEntry(
      ', "size": 1234, "downloadLocation": "https://example-bucket.s3.amazonaws.com/linux.zip"',
    );
    const { parsed, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    expect(parsed.manifest).toBeDefined();
    const column = valueColumn(text, '1234');
    expect(parsed.sizes).toEqual({
      'linux.zip': { bytes: 1234, loc: { file: 'pkg/manifest.json', line: 19, column } },
    });
    expect(parse(withEntry(', "size": 0')).diagnostics).toEqual([]);
  });

  it.each([
    ['"1234"', 'a string'],
    ['-1', 'negative'],
    ['12.5', 'a fraction'],
    ['1234.0', 'a whole number written with a fraction'],
    ['1.234e3', 'a whole number written with an exponent'],
    ['null', 'null'],
  ])('size %s (%s) is an error at its value: the agent could not read the manifest', (value) => {
    const text = withEntry(`, "size": ${value}`);
    const { parsed, diagnostics } = parse(text);
    const d = only(diagnostics, 'manifest-schema');
    expect(d).toMatchObject({
      line: 19,
      column: valueColumn(text, `"size": ${value}`) + 8,
      severity: 'error',
    });
    expect(d.message).toContain('files["linux.zip"].size');
    expect(d.message).toMatch(/integer|whole number/);
    expect(parsed.sizes).toEqual({});
  });

  it('downloadLocation that is not a string is an error at its value', () => {
    const d = only(parse(withEntry(', "downloadLocation": 5')).diagnostics, 'manifest-schema');
    expect(d.message).toContain('files["linux.zip"].downloadLocation');
    expect(d.message).toContain('string');
  });

  it('other unknown keys of a files entry are still errors', () => {
    const d = only(parse(withEntry(', "sizes": 1234')).diagnostics, 'manifest-schema');
    expect(d.message).toContain('unknown key `sizes`');
    expect(d.message).toContain('`size`');
  });

  it('a built manifest carries neither (checksums only)', () => {
    const m = buildManifest({
      version: '1.0.0',
      mappings: [
        {
          file: 'linux.zip',
          sha256: SHA_A,
          targets: [{ platform: 'amazon', version: '_any', arch: 'x86_64' }],
        },
      ],
    });
    expect(m.files).toEqual({ 'linux.zip': { checksums: { sha256: SHA_A } } });
  });
});

describe('buildManifest and serializeManifest', () => {
  const mappings = [
    {
      file: 'linux.zip',
      sha256: SHA_A.toUpperCase(),
      targets: [
        { platform: 'redhat', version: '9.*', arch: 'x86_64' },
        { platform: 'amazon', version: '2023', arch: 'arm64' },
        { platform: 'amazon', version: '2', arch: 'x86_64' },
        { platform: 'amazon', version: '10', arch: 'x86_64' },
      ],
    },
    { file: 'windows.zip', sha256: SHA_B, targets: [{ platform: 'windows', version: '_any', arch: '_any' }] },
  ];

  it('builds the nested packages map and the files map', () => {
    const m = buildManifest({ version: '1.2.3', publisher: 'Acme', mappings });
    expect(m).toEqual({
      schemaVersion: '2.0',
      version: '1.2.3',
      publisher: 'Acme',
      packages: {
        redhat: { '9.*': { x86_64: { file: 'linux.zip' } } },
        amazon: {
          '2023': { arm64: { file: 'linux.zip' } },
          '2': { x86_64: { file: 'linux.zip' } },
          '10': { x86_64: { file: 'linux.zip' } },
        },
        windows: { _any: { _any: { file: 'windows.zip' } } },
      },
      files: {
        'linux.zip': { checksums: { sha256: SHA_A } },
        'windows.zip': { checksums: { sha256: SHA_B } },
      },
    });
    expect(m).not.toHaveProperty('description');
    expect(manifestProblems(m, 'out/manifest.json')).toEqual([]);
  });

  it('serializes to the same bytes whatever the insertion order, keys sorted at every level', () => {
    const a = serializeManifest(buildManifest({ version: '1.2.3', description: 'd', mappings }));
    const reversed = [...mappings].reverse().map((m) => ({ ...m, targets: [...m.targets].reverse() }));
    const b = serializeManifest(buildManifest({ description: 'd', version: '1.2.3', mappings: reversed }));
    expect(b.equals(a)).toBe(true);
    const text = a.toString('utf8');
    // Integer-like keys sort as strings ("10" < "2" < "2023"), which JSON.stringify alone would not do.
    expect(text).toBe(`{
  "schemaVersion": "2.0",
  "version": "1.2.3",
  "description": "d",
  "packages": {
    "amazon": {
      "10": {
        "x86_64": {
          "file": "linux.zip"
        }
      },
      "2": {
        "x86_64": {
          "file": "linux.zip"
        }
      },
      "2023": {
        "arm64": {
          "file": "linux.zip"
        }
      }
    },
    "redhat": {
      "9.*": {
        "x86_64": {
          "file": "linux.zip"
        }
      }
    },
    "windows": {
      "_any": {
        "_any": {
          "file": "windows.zip"
        }
      }
    }
  },
  "files": {
    "linux.zip": {
      "checksums": {
        "sha256": "${SHA_A}"
      }
    },
    "windows.zip": {
      "checksums": {
        "sha256": "${SHA_B}"
      }
    }
  }
}
`);
  });

  it('lowercases checksums of a manifest built elsewhere', () => {
    const m: Manifest = {
      schemaVersion: '2.0',
      version: '1',
      packages: { amazon: { _any: { _any: { file: 'a.zip' } } } },
      files: { 'a.zip': { checksums: { sha256: 'ABCDEF'.padEnd(64, 'F') } } },
    };
    expect(serializeManifest(m).toString()).toContain(`"sha256": "${'abcdef'.padEnd(64, 'f')}"`);
  });

  it('what it writes parses back to the same manifest without a problem', () => {
    const m = buildManifest({ version: '1.2.3', publisher: 'Acme', description: 'Ünïcode', mappings });
    const { parsed, diagnostics } = parseManifest(serializeManifest(m), 'm.json');
    expect(diagnostics).toEqual([]);
    expect(parsed.manifest).toEqual(m);
    expect(parsed.targets).toHaveLength(5);
  });

  it('property: any mappings serialize deterministically and parse back equal', () => {
    const key = fc.oneof(
      fc.constantFrom('amazon', '_any', '2', '10', '8.*', 'x86_64', '__proto__', 'constructor', 'a/b', '~'),
      fc.string({ minLength: 1, maxLength: 6 }),
    );
    const target = fc.record({ platform: key, version: key, arch: key });
    const mapping = fc.record({
      file: fc.stringMatching(/^[a-z0-9_.-]{3,12}$/),
      sha256: fc.stringMatching(/^[0-9a-fA-F]{64}$/),
      targets: fc.array(target, { minLength: 1, maxLength: 5 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(mapping, { minLength: 1, maxLength: 4, selector: (m) => m.file }), (ms) => {
        const m = buildManifest({ version: '1.0', mappings: ms });
        const bytes = serializeManifest(m);
        const shuffled = buildManifest({ version: '1.0', mappings: [...ms].reverse() });
        // Different insertion order can change which file a conflicting target keeps, not the key order.
        expect(Object.keys(JSON.parse(serializeManifest(shuffled).toString()).packages)).toEqual(
          Object.keys(JSON.parse(bytes.toString()).packages),
        );
        const back = parseManifest(bytes, 'm.json');
        expect(back.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(back.parsed.manifest).toEqual(m);
        expect(serializeManifest(back.parsed.manifest!).equals(bytes)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('manifestProblems', () => {
  it('a built manifest over 64 KB', () => {
    const m = buildManifest({ version: '1', description: 'x'.repeat(MANIFEST_MAX_BYTES), mappings: [] });
    const ds = manifestProblems(m, 'out/manifest.json');
    expect(only(ds, 'manifest-size')).toMatchObject({ file: 'out/manifest.json', severity: 'error' });
    // And packages/files empty: the schema says so too.
    expect(ds.filter((d) => d.rule === 'manifest-schema').map((d) => d.message)).toEqual([
      'The built manifest: packages: is empty; map at least one platform to a ZIP.',
      'The built manifest: files: is empty; list every ZIP with its sha256.',
    ]);
  });

  it('a checksum that is not hex', () => {
    const m = buildManifest({
      version: '1',
      mappings: [
        {
          file: 'a.zip',
          sha256: 'not-a-sum',
          targets: [{ platform: 'amazon', version: '_any', arch: '_any' }],
        },
      ],
    });
    const d = only(manifestProblems(m, 'out/manifest.json'), 'checksum-format');
    expect(d.file).toBe('out/manifest.json');
    expect(d.message).toContain('files["a.zip"].checksums.sha256');
  });
});

describe('the schema file', () => {
  it('is a valid draft-07 schema under strict ajv, and accepts the example manifest', () => {
    const strict = new Ajv({ strict: true, validateSchema: true });
    expect(strict.validateSchema(schema), JSON.stringify(strict.errors)).toBe(true);
    const validate = strict.compile(schema);
    expect(validate(JSON.parse(GOOD))).toBe(true);
    expect(validate({ ...JSON.parse(GOOD), schemaVersion: '1.0' })).toBe(false);
    const withSize = JSON.parse(GOOD);
    withSize.files['linux.zip'] = {
      ...withSize.files['linux.zip'],
      size: 1,
      downloadLocation: 'https://x/y.zip',
    };
    expect(validate(withSize), JSON.stringify(validate.errors)).toBe(true);
    withSize.files['linux.zip'].size = '1';
    expect(validate(withSize)).toBe(false);
  });
});

describe('never throws', () => {
  it('on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = parseManifest(Buffer.from(bytes), 'm.json');
        expect(r.parsed.raw.length).toBe(bytes.length);
        if (!r.parsed.manifest) expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('on any JSON value, and on values shaped almost like a manifest', () => {
    const scalar = fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean(), fc.constant(null));
    const k = fc.constantFrom('amazon', '_any', 'x86_64', 'a.zip', '__proto__', 'constructor', 'file', '');
    const ref = fc.oneof(scalar, fc.record({ file: fc.oneof(scalar, k) }, { requiredKeys: [] }));
    const packages = fc.oneof(
      scalar,
      fc.dictionary(k, fc.oneof(scalar, fc.dictionary(k, fc.oneof(scalar, fc.dictionary(k, ref))))),
    );
    const files = fc.oneof(
      scalar,
      fc.dictionary(
        k,
        fc.oneof(
          scalar,
          fc.record({
            checksums: fc.oneof(scalar, fc.record({ sha256: scalar, md5: scalar }, { requiredKeys: [] })),
          }),
        ),
      ),
    );
    const manifest = fc.record(
      {
        schemaVersion: fc.oneof(scalar, fc.constant('2.0')),
        version: scalar,
        publisher: scalar,
        packages,
        files,
        extra: scalar,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), manifest), (v) => {
        const text = JSON.stringify(v) ?? 'null';
        const r = parseManifest(Buffer.from(text), 'm.json');
        if (r.parsed.manifest) {
          expect(r.diagnostics.filter((d) => d.rule === 'manifest-schema' && d.severity === 'error')).toEqual(
            [],
          );
          expect(
            manifestProblems(r.parsed.manifest, 'm.json').filter((d) => d.rule === 'manifest-schema'),
          ).toEqual([]);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('a stated `size`, through the build', () => {
  afterAll(cleanupTemp);

  /** prebuiltPackage with `size` (and a downloadLocation) added to linux.zip's entry. */
  function prebuiltWithSize(size: (actual: number) => number): { root: string; actual: number } {
    const root = prebuiltPackage();
    const actual = statSync(path.join(root, 'linux.zip')).size;
    const m = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8'));
    m.files['linux.zip'] = {
      ...m.files['linux.zip'],
      size: size(actual),
      downloadLocation: 'https://x.example/linux.zip',
    };
    writeFileSync(path.join(root, 'manifest.json'), JSON.stringify(m, null, 2));
    return { root, actual };
  }

  it('a prebuilt ZIP of the stated size passes; the manifest written keeps checksums only', async () => {
    const { root } = prebuiltWithSize((n) => n);
    const out = path.join(tempDir(), 'out');
    const r = await buildPackage({ packageDir: root, cwd: root, outputDir: out });
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
    const written = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(written.files).toEqual({
      'linux.zip': { checksums: { sha256: sha256(readFileSync(path.join(root, 'linux.zip'))) } },
    });
  });

  it('file-size-mismatch: a prebuilt ZIP of another size, at the size value, with both numbers and the fix', async () => {
    const { root, actual } = prebuiltWithSize((n) => n + 1);
    const r = await buildPackage({ packageDir: root, cwd: root });
    const d = only(r.diagnostics, 'file-size-mismatch');
    expect(d).toMatchObject({
      file: 'manifest.json',
      line: 18,
      severity: 'error',
      payload: 'linux',
      platforms: ['amazon'],
    });
    expect(d.message).toBe(
      `manifest.json says size ${actual + 1} for linux.zip, but the ZIP is ${actual} bytes, so the manifest was written for another ZIP. Write ${actual} (and check its sha256), or remove \`size\`, which is optional.`,
    );
    expect(r.ok).toBe(false);
  });

  it('a ZIP built from a folder: the hand-written size is not checked, and dropped with a notice', async () => {
    const text = goodManifest({
      files: { 'linux.zip': { checksums: { sha256: 'a'.repeat(64) }, size: 1234 } },
    });
    const root = manifestPackage(text);
    const validated = await buildPackage({ packageDir: root, cwd: root });
    // (the stale sha256 a…a has a checksum-recomputed notice of its own)
    const sized = validated.diagnostics.filter((d) => d.message.includes('says size'));
    expect(sized).toHaveLength(1);
    expect(validated.diagnostics.every((d) => d.rule === 'checksum-recomputed')).toBe(true);
    const notice = sized[0]!;
    expect(notice).toMatchObject({ severity: 'notice', file: 'manifest.json', line: 18 });
    expect(notice.message).toContain('says size 1234 for linux.zip, which is built from the folder linux');
    expect(notice.message).toContain('the built manifest leaves `size` out');
    expect(validated.ok).toBe(true);
    const out = path.join(tempDir(), 'out');
    const built = await buildPackage({ packageDir: root, cwd: root, outputDir: out });
    expect(built.ok).toBe(true);
    expect(built.diagnostics.filter((d) => d.message.includes('says size 1234'))).toHaveLength(1);
    const written = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(Object.keys(written.files['linux.zip'])).toEqual(['checksums']);
    expect(built.output?.files[0]?.size).toBe(statSync(path.join(out, 'linux.zip')).size);
  });
});
