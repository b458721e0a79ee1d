// The managed instances behind the test SSM endpoint: their ids and tags (what association and Run Command
// targets resolve to), and what happens when one of them runs AWS-ConfigureAWSPackage, scripted per test.
// Outcomes are decided when the install starts and become visible after their delay, read lazily (no timers).

export interface FleetInstance {
  instanceId: string;
  tags: Record<string, string>;
  platform: 'Linux' | 'Windows';
}

/** What one run of AWS-ConfigureAWSPackage on one instance ends as. */
export interface InstallOutcome {
  /** Final status (Run Command invocation status / association target status). Default Success. */
  status?: 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';
  /** The plugin's response code (default 0 on Success, 1 otherwise). */
  responseCode?: number;
  /** The plugin's output (Run Command truncates it to 2,500 characters in ListCommandInvocations). */
  output?: string;
  /** DetailedStatus / StatusDetails (default: the status). */
  detailedStatus?: string;
  /** How long after the start the instance is done (default: the fleet's `delayMs`). */
  delayMs?: number;
  /** Never finishes (stays InProgress). */
  hang?: boolean;
}

/** One install on one instance, as the fleet recorded it. */
export interface InstallRecord {
  instanceId: string;
  /** The `name` parameter (package name or ARN). */
  package: string;
  /** The `version` parameter; empty or undefined = the default version. */
  version: string | undefined;
  action: string;
  installationType: string | undefined;
  via: 'association' | 'command';
  /** The association id or the command id. */
  by: string;
  at: number;
  outcome: Required<Omit<InstallOutcome, 'hang' | 'delayMs'>> & { doneAt: number | undefined };
}

export type OutcomeScript = (
  instanceId: string,
  install: Omit<InstallRecord, 'outcome' | 'at' | 'instanceId'>,
) => InstallOutcome | undefined;

export class Fleet {
  private readonly byId = new Map<string, FleetInstance>();
  private script: OutcomeScript | undefined;
  readonly installs: InstallRecord[] = [];
  /** Default time an install takes (ms). */
  delayMs = 30;

  add(
    instanceId: string,
    tags: Record<string, string> = {},
    platform: FleetInstance['platform'] = 'Linux',
  ): void {
    this.byId.set(instanceId, { instanceId, tags: { ...tags }, platform });
  }

  /** Adds `n` instances tagged with `tags`, with EC2-shaped ids (`i-` and 17 hex digits, `prefix` first); returns them. */
  addMany(n: number, tags: Record<string, string>, prefix = 'i-0'): string[] {
    const ids: string[] = [];
    for (let k = 0; k < n; k++) {
      const id = `${prefix}${(this.byId.size + 1).toString(16).padStart(19 - prefix.length, '0')}`;
      this.add(id, tags);
      ids.push(id);
    }
    return ids;
  }

  get(instanceId: string): FleetInstance | undefined {
    return this.byId.get(instanceId);
  }

  instances(): FleetInstance[] {
    return [...this.byId.values()];
  }

  /** Sets how installs end (undefined from the script: Success after `delayMs`). */
  outcomes(script: OutcomeScript | undefined): void {
    this.script = script;
  }

  /**
   * The instances a target list selects: `InstanceIds` (the listed ids that exist), `tag:<Key>` (instances
   * whose tag Key has one of the values), `tag-key` (instances having one of the keys). Several targets
   * must all match (AND), as the service does. Sorted by id.
   */
  resolve(targets: readonly { Key: string; Values: readonly string[] }[]): string[] {
    const ok = (i: FleetInstance) =>
      targets.every((t) => {
        if (t.Key === 'InstanceIds') return t.Values.includes(i.instanceId);
        if (t.Key === 'tag-key') return t.Values.some((k) => Object.hasOwn(i.tags, k));
        if (t.Key.startsWith('tag:')) {
          const k = t.Key.slice(4);
          return Object.hasOwn(i.tags, k) && t.Values.includes(i.tags[k]!);
        }
        return false;
      });
    return this.instances()
      .filter(ok)
      .map((i) => i.instanceId)
      .sort();
  }

  /** Starts an install on an instance now and records it; the returned record says how and when it ends. */
  start(instanceId: string, install: Omit<InstallRecord, 'outcome' | 'at' | 'instanceId'>): InstallRecord {
    const o = this.script?.(instanceId, install) ?? {};
    const status = o.status ?? 'Success';
    const at = Date.now();
    const rec: InstallRecord = {
      ...install,
      instanceId,
      at,
      outcome: {
        status,
        responseCode: o.responseCode ?? (status === 'Success' ? 0 : 1),
        output: o.output ?? (status === 'Success' ? `Successfully installed ${install.package}` : 'Failed'),
        detailedStatus: o.detailedStatus ?? status,
        doneAt: o.hang ? undefined : at + (o.delayMs ?? this.delayMs),
      },
    };
    this.installs.push(rec);
    return rec;
  }

  /** Where an install stands at `now`: `InProgress` until it is done, then its outcome. */
  static state(rec: InstallRecord, now = Date.now()): 'InProgress' | InstallRecord['outcome']['status'] {
    return rec.outcome.doneAt !== undefined && now >= rec.outcome.doneAt ? rec.outcome.status : 'InProgress';
  }
}
