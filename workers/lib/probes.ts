/**
 * Capability probes that run the same way on the main thread and inside a worker.
 * Everything here is cheap: no runtime is downloaded.
 */

export interface WebGpuInfo {
  /** `ok`: an adapter was returned; `unavailable`: no API or no adapter; `error`: the request threw. */
  status: 'ok' | 'unavailable' | 'error';
  reason?: string;
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
  /** A few limits that matter for inference and canvases. */
  maxBufferSize?: number;
  maxTextureDimension2D?: number;
  features?: string[];
}

export interface EnvironmentInfo {
  scope: 'window' | 'worker';
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
  hardwareConcurrency: number | null;
  webCodecs: boolean;
  offscreenCanvas: boolean;
  webgpuApi: boolean;
}

export const PROBED_CODECS = [
  'avc1.42E01E',
  'avc1.64001F',
  'vp8',
  'vp09.00.10.08',
  'av01.0.04M.08',
  'hev1.1.6.L93.B0',
] as const;

export interface CodecSupport {
  codec: string;
  /** null when the API is missing or the probe threw. */
  supported: boolean | null;
  error?: string;
}

function message(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export async function probeWebGpu(): Promise<WebGpuInfo> {
  const gpu = (globalThis.navigator as Navigator | WorkerNavigator | undefined)?.gpu;
  if (!gpu) {
    return {
      status: 'unavailable',
      reason:
        globalThis.isSecureContext === false
          ? 'navigator.gpu missing (not a secure context)'
          : 'navigator.gpu missing',
    };
  }
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter)
      return { status: 'unavailable', reason: 'requestAdapter() returned null (no usable adapter)' };
    // `adapter.info` is the current API; older builds only had `requestAdapterInfo()` and
    // `adapter.isFallbackAdapter`.
    const legacy = adapter as GPUAdapter & {
      isFallbackAdapter?: boolean;
      requestAdapterInfo?: () => Promise<GPUAdapterInfo>;
    };
    const info: Partial<GPUAdapterInfo> | undefined =
      adapter.info ?? (legacy.requestAdapterInfo ? await legacy.requestAdapterInfo() : undefined);
    return {
      status: 'ok',
      vendor: info?.vendor ?? '',
      architecture: info?.architecture ?? '',
      device: info?.device ?? '',
      description: info?.description ?? '',
      isFallbackAdapter: info?.isFallbackAdapter ?? legacy.isFallbackAdapter ?? false,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxTextureDimension2D: adapter.limits.maxTextureDimension2D,
      features: [...adapter.features].map(String).sort(),
    };
  } catch (err) {
    return { status: 'error', reason: message(err) };
  }
}

export function probeEnvironment(): EnvironmentInfo {
  const g = globalThis as typeof globalThis & { WorkerGlobalScope?: unknown };
  return {
    scope: typeof g.WorkerGlobalScope !== 'undefined' ? 'worker' : 'window',
    crossOriginIsolated: g.crossOriginIsolated === true,
    sharedArrayBuffer: typeof g.SharedArrayBuffer === 'function',
    hardwareConcurrency: g.navigator?.hardwareConcurrency ?? null,
    webCodecs: typeof g.VideoDecoder === 'function',
    offscreenCanvas: typeof g.OffscreenCanvas === 'function',
    webgpuApi: !!g.navigator?.gpu,
  };
}

export async function probeCodecs(codecs: readonly string[] = PROBED_CODECS): Promise<CodecSupport[]> {
  if (typeof globalThis.VideoDecoder !== 'function') {
    return codecs.map((codec) => ({ codec, supported: null, error: 'VideoDecoder missing' }));
  }
  return Promise.all(
    codecs.map(async (codec): Promise<CodecSupport> => {
      try {
        const res = await VideoDecoder.isConfigSupported({ codec, codedWidth: 640, codedHeight: 480 });
        return { codec, supported: res.supported === true };
      } catch (err) {
        return { codec, supported: null, error: message(err) };
      }
    }),
  );
}
