/**
 * The demo's webcam: every frame goes video → GPU → canvas through `engine.filterImage` (the
 * frame is imported as an external texture, filtered, and drawn into a WebGPU canvas by a render
 * pass — no pixel passes through JavaScript), paced by `requestVideoFrameCallback`, with frames per
 * second measured over the last second. Stopping hands back the last frame's pixels so the page
 * can check it against the CPU reference.
 */
import type { ConvEngine, FilterImageOptions, ImageFilter, RunInfo } from 'webgpu-conv';

/** What each frame is filtered with (read again for every frame, so control changes apply live). */
export interface LiveFilter {
  filter: ImageFilter;
  options: FilterImageOptions;
}

export interface LiveCallbacks {
  /** The filter for the next frame. */
  current(): LiveFilter;
  /** After each frame: its GPU time, frames per second, what ran. */
  frame(info: { ms: number; fps: number; width: number; height: number; ran: string[] }): void;
  error(e: Error): void;
}

export class LiveWebcam {
  private stopped = false;
  private readonly times: number[] = [];

  private constructor(
    private readonly engine: ConvEngine,
    private readonly video: HTMLVideoElement,
    private readonly canvas: HTMLCanvasElement,
    private readonly stream: MediaStream,
    private readonly on: LiveCallbacks,
  ) {}

  /** Opens the camera and starts filtering its frames into `canvas` (a canvas with no 2-D context). */
  static async start(engine: ConvEngine, video: HTMLVideoElement, canvas: HTMLCanvasElement, on: LiveCallbacks): Promise<LiveWebcam> {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 } }, audio: false });
    video.srcObject = stream;
    await video.play();
    const live = new LiveWebcam(engine, video, canvas, stream, on);
    live.next();
    return live;
  }

  private next(): void {
    if (this.stopped) return;
    this.video.requestVideoFrameCallback(() => void this.filterFrame());
  }

  private async filterFrame(): Promise<void> {
    if (this.stopped) return;
    const { filter, options } = this.on.current();
    const ran: string[] = [];
    const t0 = performance.now();
    try {
      await this.engine.filterImage(this.video, filter, { ...options, target: this.canvas, onRun: (i: RunInfo) => ran.push(`${i.algorithm} (${i.variant})`) });
    } catch (e) {
      if (!this.stopped) this.on.error(e as Error);
      return;
    }
    if (this.stopped) return;
    const now = performance.now();
    this.times.push(now);
    while ((this.times[0] as number) < now - 1000) this.times.shift();
    this.on.frame({ ms: now - t0, fps: this.times.length, width: this.video.videoWidth, height: this.video.videoHeight, ran });
    this.next();
  }

  /** Stops the camera; returns the last frame's pixels (as a 2-D canvas draws it). */
  stop(): ImageData | undefined {
    this.stopped = true;
    let frame: ImageData | undefined;
    const { videoWidth: w, videoHeight: h } = this.video;
    if (w && h) {
      const c = new OffscreenCanvas(w, h);
      const ctx = c.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D;
      ctx.drawImage(this.video, 0, 0);
      frame = ctx.getImageData(0, 0, w, h);
    }
    for (const t of this.stream.getTracks()) t.stop();
    this.video.srcObject = null;
    return frame;
  }
}
