// An AWS endpoint that refuses every request and echoes the request's credentials headers (Authorization,
// X-Amz-Security-Token) in its error message, as a misbehaving proxy or endpoint might: speaks the error
// format of STS (query/XML), SSM (JSON 1.1) or S3 (REST/XML; HEAD gets a bodyless 404 so the PUT follows).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, xmlEscape } from './fake-http.js';

export type EchoProtocol = 'sts' | 'ssm' | 's3';

export interface EchoServer {
  endpoint: string;
  /** Requests answered, by method. */
  count(method?: string): number;
  close(): Promise<void>;
}

/** What the server says: the credential headers it received, with line breaks and a workflow command. */
function echoed(req: http.IncomingMessage): string {
  const h = (name: string) => String(req.headers[name] ?? '');
  return (
    `Request refused.\nAuthorization: ${h('authorization')}\n` +
    `X-Amz-Security-Token: ${h('x-amz-security-token')}\n::add-mask::echo\r::stop-commands::echo`
  );
}

function answer(protocol: EchoProtocol, req: http.IncomingMessage, res: http.ServerResponse): void {
  const message = echoed(req);
  if (protocol === 'ssm') {
    const body = JSON.stringify({ __type: 'AccessDeniedException', message });
    res.writeHead(400, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-errortype': 'AccessDeniedException',
    });
    res.end(body);
    return;
  }
  if (protocol === 's3' && req.method === 'HEAD') {
    res.writeHead(404);
    res.end();
    return;
  }
  const error = `<Code>AccessDenied</Code><Message>${xmlEscape(message)}</Message>`;
  const xml =
    protocol === 'sts'
      ? `<ErrorResponse><Error><Type>Sender</Type>${error}</Error><RequestId>echo-1</RequestId></ErrorResponse>`
      : `<?xml version="1.0" encoding="UTF-8"?><Error>${error}<RequestId>echo-1</RequestId></Error>`;
  res.writeHead(403, { 'content-type': 'application/xml' });
  res.end(xml);
}

export async function startEchoServer(protocol: EchoProtocol): Promise<EchoServer> {
  const methods: string[] = [];
  const server = http.createServer((req, res) => {
    methods.push(req.method ?? '');
    // The whole body first: an answer while the client still sends would be a reset, not an error.
    readBody(req).then(
      () => answer(protocol, req, res),
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: (method) => methods.filter((m) => method === undefined || m === method).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
