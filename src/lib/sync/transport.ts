/**
 * The HTTP side of replication: a `fetch` for RxDB's CouchDB replication that adds the bearer
 * token, reports each outcome (for the status), and keeps live feeds within the browser's six
 * connections per host. Only the busiest collections hold a long-poll open; the others poll
 * `_changes` on a timer, so pushes and media never queue behind seven hanging requests.
 * Live requests are aborted when the device goes offline or the replication stops.
 */

export type Outcome =
  | { kind: 'ok'; push: boolean }
  | { kind: 'network'; error: unknown }
  | { kind: 'auth'; reason: string }
  | { kind: 'refused'; status: number; reason: string; push: boolean };

export interface TransportOptions {
  token: () => string | null;
  /** Hold a long-poll open (true) or poll every `pollIntervalMs` (false). */
  longpoll: boolean;
  pollIntervalMs: number;
  report: (outcome: Outcome) => void;
  /** A push (`_bulk_docs`) failed in flight: the server may or may not have stored its body. */
  onUncertainPush?: (body: unknown) => void;
  /** The server confirmed these documents of a push. */
  onConfirmedPush?: (ids: string[]) => void;
  fetch?: typeof fetch;
}

export interface Transport {
  fetch: typeof fetch;
  /** Ends every live request now (offline, stop); the replication retries them. */
  abortLive(): void;
  /** Makes live requests wait (the token was refused) until `release()`. */
  hold(): void;
  release(): void;
}

export function createTransport(options: TransportOptions): Transport {
  const baseFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const live = new Set<AbortController>();
  let held: { promise: Promise<void>; resolve: () => void } | null = null;

  async function send(url: string, init: RequestInit | undefined, signal?: AbortSignal): Promise<Response> {
    const headers = new Headers(init?.headers);
    const token = options.token();
    if (token) headers.set('authorization', `Bearer ${token}`);
    const push = url.includes('/_bulk_docs');
    let response: Response;
    try {
      response = await baseFetch(url, { ...init, headers, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (!(signal?.aborted ?? false)) options.report({ kind: 'network', error });
      if (push && options.onUncertainPush && typeof init?.body === 'string') {
        options.onUncertainPush(JSON.parse(init.body) as unknown);
      }
      throw error;
    }
    if (response.ok) {
      if (push && options.onConfirmedPush) options.onConfirmedPush(await confirmedIds(response));
      options.report({ kind: 'ok', push });
    } else {
      const reason = await reasonOf(response);
      if (response.status === 401) options.report({ kind: 'auth', reason });
      else options.report({ kind: 'refused', status: response.status, reason, push });
    }
    return response;
  }

  /**
   * A live feed answers only with changes: a refusal is thrown, so that RxDB retries it
   * (its long-poll loop reads `results` from whatever it gets and would stop on an error body).
   */
  async function liveRequest(url: string, init: RequestInit | undefined): Promise<Response> {
    while (held) await held.promise;
    const controller = new AbortController();
    live.add(controller);
    try {
      const response = options.longpoll
        ? await send(url, init, controller.signal)
        : await poll(url, init, controller.signal);
      if (!response.ok) throw new Error(`The live feed was refused: HTTP ${response.status}`);
      return response;
    } finally {
      live.delete(controller);
    }
  }

  /** Answers a long-poll by polling the normal feed until something changed. */
  async function poll(url: string, init: RequestInit | undefined, signal: AbortSignal): Promise<Response> {
    const target = new URL(url);
    target.searchParams.set('feed', 'normal');
    // RxDB starts its live feed at "now" while its first pull runs. Resolve "now" at once:
    // resolving it a poll interval later would skip whatever changed in between, which that
    // first pull may already have missed, and nothing would ever fetch it.
    let wait = target.searchParams.get('since') !== 'now';
    for (;;) {
      if (wait) await delay(options.pollIntervalMs, signal);
      wait = true;
      const response = await send(target.toString(), init, signal);
      if (!response.ok) return response;
      const body = (await response.json()) as { results: unknown[]; last_seq: unknown };
      if (body.results.length > 0) return jsonResponse(body);
      // Nothing new: continue from where this poll ended, not from the original `since`.
      target.searchParams.set('since', String(body.last_seq));
    }
  }

  const wrapped = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    return url.includes('feed=longpoll') ? liveRequest(url, init) : send(url, init);
  };

  return {
    fetch: wrapped as typeof fetch,
    abortLive() {
      for (const controller of live) controller.abort();
      live.clear();
    },
    hold() {
      if (held) return;
      let resolve = () => undefined as void;
      const promise = new Promise<void>((r) => (resolve = r));
      held = { promise, resolve };
    },
    release() {
      held?.resolve();
      held = null;
    },
  };
}

/** The documents a `_bulk_docs` answer says were stored. */
async function confirmedIds(response: Response): Promise<string[]> {
  try {
    const rows = (await response.clone().json()) as unknown;
    if (!Array.isArray(rows)) return [];
    return rows
      .filter((row): row is { id: string; ok: true } => typeof row === 'object' && row?.ok === true)
      .map((row) => row.id);
  } catch {
    return [];
  }
}

function jsonResponse(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
}

async function reasonOf(response: Response): Promise<string> {
  try {
    const body = (await response.clone().json()) as {
      reason?: unknown;
      docs?: { id: string; reason: string }[];
    };
    const reason = typeof body.reason === 'string' ? body.reason : `HTTP ${response.status}`;
    const first = Array.isArray(body.docs) ? body.docs[0] : undefined;
    return first ? `${reason} (${first.id}: ${first.reason})` : reason;
  } catch {
    return `HTTP ${response.status}`;
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
