// A local STS endpoint for tests: `GetCallerIdentity` over the AWS query protocol (form-encoded POST, or the
// same parameters in a GET query string) answering XML. Reach it with `AWS_ENDPOINT_URL_STS`.
import type http from 'node:http';
import { type FakeControls, Harness, idMaker, readBody, resetConnection, xmlEscape } from './fake-http.js';

export interface StsOptions {
  account?: string;
  /** Default `arn:aws:iam::<account>:user/ci`. */
  arn?: string;
  userId?: string;
}

/**
 * Faults: `expired-token` 400 ExpiredToken, `access-denied` 403 AccessDenied, `throttle` 400 Throttling,
 * `500` InternalFailure, `reset` (connection destroyed), `stall` (never answered, or after `stallMs`).
 */
export type StsFault = 'expired-token' | 'access-denied' | 'throttle' | '500' | 'reset' | 'stall';

export interface StsCall {
  action: string;
  status: number;
  code: string | undefined;
  /** The injected fault that answered this call, if any. */
  fault: StsFault | undefined;
  /** The run it arrived in and its number among this run's calls of its action (see FakeControls.newRun). */
  run: number;
  nth: number;
  at: number;
}

export interface StsFake extends FakeControls<StsFault, 'GetCallerIdentity'> {
  /** Live identity; change it between calls if needed. */
  identity: { account: string; arn: string; userId: string };
  /** Calls received (of `action` only, if given). */
  calls(action?: string): StsCall[];
}

const XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export async function startSts(opts: StsOptions = {}): Promise<StsFake> {
  const account = opts.account ?? '123456789012';
  const identity = {
    account,
    arn: opts.arn ?? `arn:aws:iam::${account}:user/ci`,
    userId: opts.userId ?? 'AIDAFAKEFAKEFAKEFAKE1',
  };
  const log: StsCall[] = [];
  const requestId = idMaker('sts-');

  const send = (res: http.ServerResponse, call: StsCall, status: number, xml: string, code?: string) => {
    call.status = status;
    call.code = code;
    res.writeHead(status, {
      'content-type': 'text/xml',
      'content-length': String(Buffer.byteLength(xml)),
      'x-amzn-requestid': requestId(),
    });
    res.end(xml);
  };
  const error = (res: http.ServerResponse, call: StsCall, status: number, code: string, message: string) => {
    const type = status >= 500 ? 'Receiver' : 'Sender';
    send(
      res,
      call,
      status,
      `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`,
      code,
    );
  };

  const harness = new Harness<StsFault>(async (req, res): Promise<void> => {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://fake');
    const params = req.method === 'POST' ? new URLSearchParams(raw.toString('utf8')) : url.searchParams;
    const action = params.get('Action') ?? '';
    const arrival = harness.arrive(action);
    const call: StsCall = {
      action,
      status: 0,
      code: undefined,
      fault: undefined,
      ...arrival,
      at: Date.now(),
    };
    log.push(call);
    await harness.paused(action, req, arrival);
    if (!req.headers.authorization && !params.has('X-Amz-Signature')) {
      return error(res, call, 403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    }
    if (action !== 'GetCallerIdentity') {
      return error(
        res,
        call,
        400,
        'InvalidAction',
        `Could not find operation ${action} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`,
      );
    }
    const answer = () =>
      send(
        res,
        call,
        200,
        `<GetCallerIdentityResponse xmlns="${XMLNS}"><GetCallerIdentityResult><Arn>${xmlEscape(identity.arn)}</Arn>` +
          `<UserId>${xmlEscape(identity.userId)}</UserId><Account>${xmlEscape(identity.account)}</Account></GetCallerIdentityResult>` +
          `<ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    const f = harness.faults.take(action);
    call.fault = f?.fault;
    if (harness.stallAll) return harness.stall(res, undefined, answer);
    if (f?.fault === 'stall') {
      harness.stall(res, f.stallMs, answer);
      return f.fire();
    }
    f?.fire();
    switch (f?.fault) {
      case undefined:
        return answer();
      case 'expired-token':
        return error(res, call, 400, 'ExpiredToken', 'The security token included in the request is expired');
      case 'access-denied':
        return error(
          res,
          call,
          403,
          'AccessDenied',
          `User: ${identity.arn} is not authorized to perform: sts:GetCallerIdentity`,
        );
      case 'throttle':
        return error(res, call, 400, 'Throttling', 'Rate exceeded');
      case '500':
        return error(res, call, 500, 'InternalFailure', 'An internal error occurred.');
      case 'reset':
        call.status = -1;
        return resetConnection(req, res);
    }
  });
  const own: Omit<StsFake, keyof FakeControls<StsFault>> = {
    identity,
    calls: (action) => log.filter((c) => action === undefined || c.action === action).map((c) => ({ ...c })),
  };
  return Object.assign(await harness.start(), own);
}
