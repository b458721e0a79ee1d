// Creating the package version: CreateDocument (first version) or UpdateDocument($LATEST), converging
// after any answer that leaves the outcome open. What SSM holds under our version name decides: our
// manifest is success, another manifest a conflict.
import { CreateDocumentCommand, type Tag, UpdateDocumentCommand } from '@aws-sdk/client-ssm';
import { ActionError } from '../errors.js';
import { errorCode, isAmbiguous, sdkAttempts } from './aws-error.js';
import { BACKOFF, type SsmCtx, ssmError } from './context.js';
import { retry } from './retry.js';
import {
  canonicalJson,
  findSameContent,
  getVersion,
  listVersions,
  type StoredVersion,
  versionConflict,
} from './versions.js';

export interface CreateInput {
  content: string;
  versionName: string;
  sourceUrl: string;
  tags: Tag[];
  /** Whether the document existed when this run looked. */
  exists: boolean;
  /** Canonical form of our manifest, to recognise our version after an ambiguous failure. */
  canonical: string;
}

export interface Created {
  documentVersion: string;
  /**
   * This run created the version: our call answered success, or its answer was lost and the version
   * (absent when this run looked) is there now with our manifest. False when another run created it.
   */
  versionCreated: boolean;
  /** This run created the document (with the version). */
  documentCreated: boolean;
  /** CreateDocument answered success, so the tags were set with it. */
  tagsSet: boolean;
}

/** Codes after which what SSM holds decides (a retry of ours, or a concurrent run, got there first). */
const RECONCILE = new Set([
  'DocumentAlreadyExists',
  'DuplicateDocumentVersionName',
  'DuplicateDocumentContent',
]);

interface State {
  exists: boolean;
  /** An earlier attempt (ours or the SDK's) may have committed. */
  lost: boolean;
  /** ... and that attempt was a CreateDocument. */
  lostCreate: boolean;
}

export async function createVersion(ctx: SsmCtx, input: CreateInput): Promise<Created> {
  const state: State = { exists: input.exists, lost: false, lostCreate: false };
  try {
    return await retry(() => createOnce(ctx, input, state), {
      ...BACKOFF.update,
      // Everything final is an ActionError by now; what is left is worth another attempt.
      retryable: (e) => !(e instanceof ActionError),
      onRetry: (r) =>
        ctx.log(
          `${errorCode(r.error)} from SSM while creating ${input.versionName}: ${retryReason(errorCode(r.error))}; again in ${r.delayMs} ms (${r.attempt}/${r.attempts - 1})`,
        ),
      timing: ctx.timing,
      signal: ctx.signal,
      deadline: ctx.deadline,
      onDeadline: ctx.deadlineError,
    });
  } catch (e) {
    throw ssmError(ctx, state.exists ? 'UpdateDocument' : 'CreateDocument', e);
  }
}

function retryReason(code: string): string {
  if (code === 'TooManyUpdates') return 'another update of the document is in progress';
  if (code === 'DocumentAlreadyExists')
    return 'the document appeared meanwhile, so the version is added to it';
  if (code === 'InvalidDocument') return 'the document was deleted meanwhile, so it is created again';
  return 'the version is not there';
}

async function createOnce(ctx: SsmCtx, input: CreateInput, state: State): Promise<Created> {
  try {
    return await send(ctx, input, state.exists);
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    return await reconcile(ctx, input, state, e);
  }
}

async function send(ctx: SsmCtx, input: CreateInput, exists: boolean): Promise<Created> {
  const attachments = [{ Key: 'SourceUrl' as const, Values: [input.sourceUrl] }];
  if (!exists) {
    const r = await ctx.ssm.send(
      new CreateDocumentCommand({
        Name: ctx.name,
        Content: input.content,
        DocumentType: 'Package',
        DocumentFormat: 'JSON',
        VersionName: input.versionName,
        Attachments: attachments,
        ...(input.tags.length ? { Tags: input.tags } : {}),
      }),
      { abortSignal: ctx.signal },
    );
    const v = r.DocumentDescription?.DocumentVersion ?? '1';
    ctx.log(`Created document ${ctx.name}, version ${v} (${input.versionName})`);
    return { documentVersion: v, versionCreated: true, documentCreated: true, tagsSet: true };
  }
  const r = await ctx.ssm.send(
    new UpdateDocumentCommand({
      Name: ctx.name,
      Content: input.content,
      DocumentFormat: 'JSON',
      DocumentVersion: '$LATEST',
      VersionName: input.versionName,
      Attachments: attachments,
    }),
    { abortSignal: ctx.signal },
  );
  const v = r.DocumentDescription?.DocumentVersion ?? '';
  ctx.log(`Created version ${v} (${input.versionName}) of ${ctx.name}`);
  return { documentVersion: v, versionCreated: true, documentCreated: false, tagsSet: false };
}

/** Decides after a failed create: a result, an ActionError (final), or the raw error (worth another attempt). */
async function reconcile(ctx: SsmCtx, input: CreateInput, state: State, e: unknown): Promise<Created> {
  const code = errorCode(e);
  const op = state.exists ? 'UpdateDocument' : 'CreateDocument';
  if (code === 'TooManyUpdates') throw e;
  if (code === 'InvalidDocument' && state.exists) {
    state.exists = false; // deleted since this run looked
    throw e;
  }
  if (code === 'DocumentVersionLimitExceeded') throw await versionLimit(ctx, e);
  if (code === 'InvalidDocumentVersion' && state.exists) {
    throw new ActionError('conflict', ssmError(ctx, op, e).message, {
      hint: 'SSM did not accept $LATEST as the version to update: another writer is changing this document. Re-run once it is done.',
      code,
      cause: e,
    });
  }
  // A 5xx, reset or timeout, or a definite answer to a request the SDK had already sent before.
  const lost = isAmbiguous(e) || sdkAttempts(e) > 1;
  if (lost) {
    state.lost = true;
    state.lostCreate ||= !state.exists;
  }
  if (!lost && !RECONCILE.has(code)) throw ssmError(ctx, op, e);
  const found = await getVersion(ctx, { versionName: input.versionName });
  if (found) return ours(ctx, input, state, found, code);
  if (code === 'DocumentAlreadyExists') {
    state.exists = true;
    throw e;
  }
  if (code === 'DuplicateDocumentContent') throw await duplicateContent(ctx, input, e);
  if (lost) throw e;
  throw ssmError(ctx, op, e);
}

function ours(ctx: SsmCtx, input: CreateInput, state: State, found: StoredVersion, code: string): Created {
  if (canonicalJson(found.content ?? '') !== input.canonical)
    throw versionConflict(ctx.name, input.versionName, found, input.content, code);
  const why = state.lost
    ? 'this run created it; the answer to its request was lost'
    : 'another run published the same manifest under this name first';
  ctx.log(
    `Version ${found.documentVersion} (${input.versionName}) holds our manifest (${why}): continuing with it`,
  );
  return {
    documentVersion: found.documentVersion,
    versionCreated: state.lost,
    documentCreated: state.lost && state.lostCreate,
    tagsSet: false,
  };
}

async function versionLimit(ctx: SsmCtx, e: unknown): Promise<ActionError> {
  const versions = await listVersions(ctx).catch(() => undefined);
  return new ActionError(
    'limit',
    `${ctx.name} has ${versions?.length ?? 'too many'} versions, the most SSM allows for a package.`,
    {
      hint: `Delete old versions that are neither the default nor installed anywhere (aws ssm delete-document --name ${ctx.name} --version-name <old>), then re-run.`,
      code: 'DocumentVersionLimitExceeded',
      cause: e,
    },
  );
}

async function duplicateContent(ctx: SsmCtx, input: CreateInput, e: unknown): Promise<ActionError> {
  const same = await findSameContent(ctx, input.canonical);
  const where = same
    ? ` as version ${same.documentVersion} (version name ${same.versionName ?? 'none'})`
    : '';
  return new ActionError(
    'conflict',
    `SSM already holds this exact manifest${where}; a new version needs different content.`,
    {
      hint: `Publish it under that version name, or change the package and bump the version (${input.versionName} is free).`,
      code: 'DuplicateDocumentContent',
      cause: e,
    },
  );
}
