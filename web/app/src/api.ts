// The public HTTP API (the same one the phone apps use), with API.md's error shape
// turned into ApiError and a lost network into OfflineError.

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string,
              readonly retryAfter?: number) {
    super(message);
  }
}

// The request never reached the server (offline, or the server is down).
export class OfflineError extends Error {}

export interface User { id: string; email: string; created_at: string; app_account_token?: string }
export interface Memory {
  id: string; title: string; body: string; tags: string[];
  created_at: string; updated_at: string; version: number;
}
export interface MemoryInput { title: string; body: string; tags: string[] }
export interface FileMeta {
  id: string; name: string; content_type: string; size: number; status: string;
  created_at: string; error?: string; derived?: { thumbnail: boolean; text_chars: number };
}
export interface Hit { kind: 'memory' | 'file'; id: string; title: string; snippet: string; score: number }
export type Change =
  | { type: 'upsert'; memory: Memory }
  | { type: 'delete'; id: string; deleted_at: string }
  | { type: 'entitlement'; [k: string]: unknown };
export interface Entitlement {
  entitlement: string; product_id: string; kind: string; platform: string; expires_at?: string;
}
export interface Features {
  sign_in: { password: boolean; firebase: boolean;
             firebase_web: null | { project_id: string; api_key: string; auth_domain: string; identity_url: string } };
  assistant: { text: boolean; voice: boolean };
  purchases: { enabled: boolean; app_store: boolean; google_play: boolean; qr_handoff: boolean;
               products: { id: string; entitlement: string; kind: string }[] };
  push: { fcm: boolean };
}

let token: string | null = null;
export function setToken(value: string | null) { token = value; }
export function currentToken() { return token; }

// Told when a request is answered 401: the session ended elsewhere.
let onUnauthorized: () => void = () => {};
export function whenUnauthorized(f: () => void) { onUnauthorized = f; }

export interface Answer<T> { status: number; body: T; etag: string | null }

export async function call<T>(method: string, path: string, body?: unknown,
                              headers: Record<string, string> = {}): Promise<Answer<T>> {
  const h: Record<string, string> = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (body !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers: h, body: payload });
  } catch {
    throw new OfflineError('no connection to the server');
  }
  const text = await response.text();
  const parsed = text && response.headers.get('Content-Type')?.includes('json') ? JSON.parse(text) : text;
  if (!response.ok) {
    const e = parsed?.error ?? { code: 'internal', message: `the server answered ${response.status}` };
    const retry = Number(response.headers.get('Retry-After') ?? NaN);
    if (response.status === 401 && token) onUnauthorized();
    throw new ApiError(response.status, e.code, e.message, Number.isFinite(retry) ? retry : undefined);
  }
  return { status: response.status, body: parsed as T, etag: response.headers.get('ETag') };
}

export const get = <T>(path: string) => call<T>('GET', path).then((a) => a.body);

// Bytes of a file the user owns (an <img> cannot send the bearer token): an object URL.
export async function blobUrl(path: string): Promise<string> {
  const response = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new ApiError(response.status, 'not_found', 'not available yet');
  return URL.createObjectURL(await response.blob());
}

// An upload with progress (fetch has no upload progress): XMLHttpRequest.
export function upload(file: File, progress: (fraction: number) => void): Promise<FileMeta> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/v1/files?name=${encodeURIComponent(file.name)}`);
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) progress(e.loaded / e.total); };
    xhr.onerror = () => reject(new OfflineError('the upload lost its connection'));
    xhr.onload = () => {
      let body: any = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body.file);
      else reject(new ApiError(xhr.status, body?.error?.code ?? 'internal',
                               body?.error?.message ?? `the server answered ${xhr.status}`));
    };
    xhr.send(file);
  });
}

export function socketUrl(path: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token ?? '')}`;
}

export function describe(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof OfflineError) return 'You are offline: the server cannot be reached.';
  return e instanceof Error ? e.message : String(e);
}
