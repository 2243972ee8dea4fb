import * as Comlink from 'comlink';
import { probeCodecs, probeEnvironment, probeWebGpu } from './lib/probes';
import type { CodecSupport, EnvironmentInfo, WebGpuInfo } from './lib/probes';

export interface WorkerProbe {
  environment: EnvironmentInfo;
  webgpu: WebGpuInfo;
  codecs: CodecSupport[];
}

const api = {
  /** What a dedicated module worker sees: capabilities can differ from the window's. */
  async probe(): Promise<WorkerProbe> {
    const [webgpu, codecs] = await Promise.all([probeWebGpu(), probeCodecs()]);
    return { environment: probeEnvironment(), webgpu, codecs };
  },
};

export type DiagnosticsWorkerApi = typeof api;

Comlink.expose(api);
