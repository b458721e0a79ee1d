// The document's tags: add or update the given ones, leave the others alone, and read back after a
// lost answer.
import { AddTagsToResourceCommand, ListTagsForResourceCommand, type Tag } from '@aws-sdk/client-ssm';
import { isAmbiguous } from './aws-error.js';
import { type SsmCtx, ssmError, whileBusy } from './context.js';

/** The document's tags. */
export async function listTags(ctx: SsmCtx): Promise<Tag[]> {
  try {
    const r = await ctx.ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: ctx.name }),
      {
        abortSignal: ctx.signal,
      },
    );
    return r.TagList ?? [];
  } catch (e) {
    throw ssmError(ctx, 'ListTagsForResource', e);
  }
}

function tagsToAdd(current: readonly Tag[], wanted: readonly Tag[]): Tag[] {
  const have = new Map(current.map((t) => [t.Key, t.Value ?? '']));
  return wanted.filter((t) => have.get(t.Key) !== (t.Value ?? ''));
}

/** Adds or updates the given tags (tags SSM holds that are not given are left alone). Returns the keys changed. */
export async function ensureTags(ctx: SsmCtx, tags: readonly Tag[]): Promise<string[]> {
  if (tags.length === 0) return [];
  const missing = tagsToAdd(await listTags(ctx), tags);
  if (missing.length === 0) return [];
  const call = { action: 'ssm:AddTagsToResource', subject: ctx.name };
  try {
    await whileBusy(ctx, call, () =>
      ctx.ssm.send(
        new AddTagsToResourceCommand({ ResourceType: 'Document', ResourceId: ctx.name, Tags: missing }),
        {
          abortSignal: ctx.signal,
        },
      ),
    );
  } catch (e) {
    // The answer was lost: the tags SSM holds now decide.
    if (!isAmbiguous(e) || ctx.signal.aborted) throw ssmError(ctx, 'AddTagsToResource', e);
    if (tagsToAdd(await listTags(ctx), tags).length > 0) throw ssmError(ctx, 'AddTagsToResource', e);
  }
  return missing.map((t) => t.Key ?? '');
}
