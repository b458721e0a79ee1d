// Reading package versions: the list, one version with its content and attachments, and the
// canonical form of a manifest by which "the same version" is recognised.
import { createHash } from 'node:crypto';
import {
  type DocumentVersionInfo,
  GetDocumentCommand,
  type GetDocumentCommandOutput,
  ListDocumentVersionsCommand,
} from '@aws-sdk/client-ssm';
import { ActionError } from '../errors.js';
import { errorCode } from './aws-error.js';
import { type SsmCtx, ssmError } from './context.js';

export interface StoredVersion {
  documentVersion: string;
  versionName: string | undefined;
  status: string | undefined;
  statusInformation: string | undefined;
  content: string | undefined;
  attachments: NonNullable<GetDocumentCommandOutput['AttachmentsContent']>;
}

/** JSON with sorted keys at every level: two manifests are the same when their canonical forms are. */
export function canonicalJson(text: string): string | undefined {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return undefined;
  }
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

export const sha256Hex = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

/** All versions (paginated), oldest first, or undefined when the document does not exist. */
/** Pages of versions read at most (50 each: far more than the 1,000 versions SSM keeps of a document). */
export const MAX_VERSION_PAGES = 100;

export async function listVersions(ctx: SsmCtx): Promise<DocumentVersionInfo[] | undefined> {
  const all: DocumentVersionInfo[] = [];
  let token: string | undefined;
  const seen = new Set<string>();
  try {
    do {
      if (seen.size >= MAX_VERSION_PAGES || (token !== undefined && seen.has(token)))
        throw new ActionError(
          'service',
          `ListDocumentVersions of ${ctx.name} did not end: ${seen.size} pages read, ${token !== undefined && seen.has(token) ? 'and a page token came back again' : 'more than a document can hold'}.`,
          {
            hint: 'Re-run; if it persists, the SSM endpoint answers pages that never end (check AWS_ENDPOINT_URL_SSM).',
          },
        );
      if (token !== undefined) seen.add(token);
      const r = await ctx.ssm.send(
        new ListDocumentVersionsCommand({
          Name: ctx.name,
          MaxResults: 50,
          ...(token ? { NextToken: token } : {}),
        }),
        { abortSignal: ctx.signal },
      );
      all.push(...(r.DocumentVersions ?? []));
      token = r.NextToken || undefined;
    } while (token);
  } catch (e) {
    if (e instanceof ActionError) throw e;
    if (errorCode(e) === 'InvalidDocument') return undefined;
    throw ssmError(ctx, 'ListDocumentVersions', e);
  }
  return all.sort((a, b) => Number(a.DocumentVersion) - Number(b.DocumentVersion));
}

/** One version by name or number, or undefined when there is no such version (or document). */
export async function getVersion(
  ctx: SsmCtx,
  by: { versionName: string } | { documentVersion: string },
): Promise<StoredVersion | undefined> {
  try {
    const r = await ctx.ssm.send(
      new GetDocumentCommand({
        Name: ctx.name,
        ...('versionName' in by ? { VersionName: by.versionName } : { DocumentVersion: by.documentVersion }),
      }),
      { abortSignal: ctx.signal },
    );
    return {
      documentVersion: r.DocumentVersion ?? '',
      versionName: r.VersionName,
      status: r.Status,
      statusInformation: r.StatusInformation,
      content: r.Content,
      attachments: r.AttachmentsContent ?? [],
    };
  } catch (e) {
    const code = errorCode(e);
    if (code === 'InvalidDocument' || code === 'InvalidDocumentVersion') return undefined;
    throw ssmError(ctx, 'GetDocument', e);
  }
}

/** The newest of the last ten versions whose manifest is `canonical`, if any. */
export async function findSameContent(ctx: SsmCtx, canonical: string): Promise<StoredVersion | undefined> {
  const versions = (await listVersions(ctx)) ?? [];
  for (const v of versions.slice(-10).reverse()) {
    const got = await getVersion(ctx, { documentVersion: v.DocumentVersion ?? '' });
    if (got && canonicalJson(got.content ?? '') === canonical) return got;
  }
  return undefined;
}

/** Our version name is taken by another manifest. */
export function versionConflict(
  name: string,
  versionName: string,
  found: StoredVersion,
  ours: string,
  code?: string,
): ActionError {
  return new ActionError(
    'conflict',
    `Version ${versionName} of ${name} already exists (document version ${found.documentVersion}) with a different manifest: published sha256 ${sha256Hex(found.content ?? '')}, this build's ${sha256Hex(ours)}.`,
    { hint: 'A version name can be used only once: bump the version (e.g. push a new tag).', code },
  );
}
