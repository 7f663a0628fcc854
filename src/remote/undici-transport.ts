// The Transport over an undici Dispatcher: an injected one (e.g. MockAgent, left open), or an Agent/proxy agent it
// builds itself from plain options.
import type { Dispatcher } from 'undici';
import { createDispatcher, type TransportOptions } from './dispatcher.js';
import { ExchangeReader, type ExchangeRequest, type ExchangeResponse } from './http-exchange.js';
import type { Transport } from './transport.js';

export class UndiciTransport implements Transport {
  private dispatcher: Dispatcher | undefined;

  /** @param owned close() closes the dispatcher (false for an injected one, which its owner closes). */
  constructor(
    dispatcher: Dispatcher,
    private readonly owned = false,
  ) {
    this.dispatcher = dispatcher;
  }

  /** An Agent (or, with a proxy, an EnvHttpProxyAgent) this transport owns. */
  static create(connectTimeoutMs: number, options: TransportOptions = {}): UndiciTransport {
    return new UndiciTransport(createDispatcher(connectTimeoutMs, options), true);
  }

  request(req: ExchangeRequest): Promise<ExchangeResponse> {
    const d = this.dispatcher;
    const reader = ExchangeReader.open(req, !d);
    if (!d || reader.settled) return reader.done;
    // Our own phase timers run in the reader: undici's are coarse (a 300 ms headers timeout fires after ~1 s) and
    // absent on injected dispatchers; undici's own headersTimeout/bodyTimeout stay on as a backstop.
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        reader.onAbort((reason) => {
          if (!c.aborted) c.abort(reason);
        });
        reader.requestSent();
      },
      onResponseStart(_c, statusCode, h) {
        reader.responseStart(statusCode, h);
      },
      onResponseData(_c, chunk) {
        reader.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      },
      onResponseEnd() {
        reader.end();
      },
      onResponseError(_c, e) {
        reader.fail(e);
      },
    };
    try {
      d.dispatch(
        {
          origin: req.origin,
          path: req.path,
          method: req.method,
          headers: req.headers,
          body: req.body === undefined ? null : req.body,
          headersTimeout: req.headersTimeoutMs,
          bodyTimeout: req.bodyIdleTimeoutMs,
        },
        handler,
      );
    } catch (e) {
      reader.fail(e);
    }
    return reader.done;
  }

  async close(): Promise<void> {
    const d = this.dispatcher;
    if (!this.owned || !d) return;
    this.dispatcher = undefined;
    await d.close();
  }
}
