// @ts-check
/**
 * The browser entry point of the benchmark suite (served by `npm run bench:browser`). The cases, the
 * measurement loop and the report are the same modules the Node runner uses (bench/lib/); only the
 * way the device is opened, the progress shown and the results saved differ.
 *
 * URL parameters preset the form: ?quick=0|1&filter=RE&repeats=N&runs=N&peers=0|1&autorun=1
 */
import { createEngine, cpu } from '../../dist/index.js';
import { buildCases, filterCases } from '../lib/cases.mjs';
import { loadTf } from '../lib/peers.mjs';
import { renderHtml, resultFileStem } from '../lib/report.mjs';
import { adapterRecord, CONTENDERS, FULL_CONFIG, LABELS, QUICK_CONFIG, runSuite } from '../lib/suite.mjs';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const form = /** @type {HTMLFormElement} */ ($('form'));
const quickEl = /** @type {HTMLInputElement} */ ($('quick'));
const filterEl = /** @type {HTMLInputElement} */ ($('filter'));
const repeatsEl = /** @type {HTMLInputElement} */ ($('repeats'));
const runsEl = /** @type {HTMLInputElement} */ ($('runs'));
const peersEl = /** @type {HTMLInputElement} */ ($('peers'));
const runEl = /** @type {HTMLButtonElement} */ ($('run'));
const progressEl = /** @type {HTMLProgressElement} */ ($('progress'));
const statusEl = $('status');
const logEl = $('log');

const params = new URLSearchParams(location.search);
if (params.has('quick')) quickEl.checked = params.get('quick') !== '0';
if (params.has('filter')) filterEl.value = params.get('filter') ?? '';
if (params.has('repeats')) repeatsEl.value = params.get('repeats') ?? '';
if (params.has('runs')) runsEl.value = params.get('runs') ?? '';
if (params.has('peers')) peersEl.checked = params.get('peers') !== '0';

/** @param {string} m */
function log(m) {
  logEl.textContent += `${m}\n`;
  logEl.scrollTop = logEl.scrollHeight;
}

/** Lets the page repaint between runs. */
const yieldUi = () => new Promise((r) => setTimeout(r, 0));

async function run() {
  runEl.disabled = true;
  logEl.textContent = '';
  $('report').textContent = '';
  $('downloads').textContent = '';
  document.body.dataset.state = 'running';
  const started = Date.now();
  try {
    const quick = quickEl.checked;
    const config = { ...(quick ? QUICK_CONFIG : FULL_CONFIG) };
    const repeats = Number(repeatsEl.value);
    if (Number.isInteger(repeats) && repeats > 0) {
      config.repeats = repeats;
      config.minRepeats = Math.min(config.minRepeats, repeats);
    }
    const runs = Number(runsEl.value);
    if (Number.isInteger(runs) && runs > 0) config.runs = runs;
    const shapes = (await (await fetch(new URL('../bench-shapes.json', import.meta.url))).json()).shapes;
    const cases = filterCases(buildCases(shapes, { quick }), filterEl.value || undefined);
    if (!cases.length) throw new Error(`no case matches the filter ${filterEl.value}`);

    statusEl.textContent = 'Opening the WebGPU device…';
    const engine = await createEngine({});
    const device = engine.device;
    /** @type {string[]} */
    const gpuErrors = [];
    device.addEventListener('uncapturederror', (ev) => gpuErrors.push(/** @type {GPUUncapturedErrorEvent} */ (ev).error.message));
    const timestamps = device.features.has('timestamp-query');
    const kernelEngine = timestamps ? await createEngine({ device, profile: true }) : undefined;
    const info = engine.adapterInfo;
    log(`adapter: ${[info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ')} (${info.featureLevel}${timestamps ? ', timestamp-query' : ''})`);

    let peers;
    if (peersEl.checked) {
      statusEl.textContent = 'Loading TensorFlow.js…';
      peers = await loadTf({ device, wasmPaths: '/node_modules/@tensorflow/tfjs-backend-wasm/dist/' });
      for (const [k, v] of Object.entries(peers.available)) if (v) log(`${LABELS[k]}: ${v}`);
    }
    progressEl.max = config.runs * cases.length * CONTENDERS.length;
    const { cases: results, failures } = await runSuite(cases, config, {
      engine,
      kernelEngine,
      cpu,
      peers,
      gpuErrors,
      log,
      yieldUi,
      progress: ({ done, total, caseId, contender }) => {
        progressEl.value = done;
        statusEl.textContent = caseId ? `${done}/${total} — case ${caseId}, ${LABELS[contender] ?? contender}` : 'done';
      },
    });
    const nav = /** @type {Navigator & { deviceMemory?: number }} */ (navigator);
    const report = {
      schema: 'webgpu-conv-bench/2',
      date: new Date(started).toISOString(),
      durationS: Math.round((Date.now() - started) / 100) / 10,
      runner: 'browser',
      adapter: adapterRecord('browser', info, device, timestamps),
      machine: {
        cpuModel: 'unknown (browser)',
        cores: navigator.hardwareConcurrency ?? 0,
        memoryGiB: nav.deviceMemory ?? 'unknown',
        userAgent: navigator.userAgent,
      },
      versions: { '@tensorflow/tfjs-core': peers?.version ?? 'not loaded' },
      config: { ...config, quick, filter: filterEl.value || null, peers: peersEl.checked, wasmThreads: peers?.wasmThreads ?? null },
      failures,
      cases: results,
    };
    kernelEngine?.destroy();
    engine.destroy();

    const html = renderHtml(report);
    const frame = document.createElement('iframe');
    frame.title = 'benchmark report';
    frame.srcdoc = html;
    $('report').append(frame);
    const stem = resultFileStem(report);
    const downloads = $('downloads');
    downloads.append(download(`${stem}.json`, JSON.stringify(report, null, 1), 'application/json'), download(`${stem}.html`, html, 'text/html'));
    statusEl.textContent = failures.length
      ? `Done in ${report.durationS} s — ${failures.length} of our results FAILED the correctness check (see the report).`
      : `Done in ${report.durationS} s — every result of ours matched the CPU reference.`;
    if (failures.length) statusEl.className = 'err';
    document.body.dataset.state = failures.length ? 'failed' : 'done';
  } catch (e) {
    statusEl.className = 'err';
    statusEl.textContent = `Error: ${e instanceof Error ? e.message : String(e)}`;
    log(String(e instanceof Error ? e.stack : e));
    document.body.dataset.state = 'error';
  } finally {
    runEl.disabled = false;
  }
}

/**
 * @param {string} name
 * @param {string} text
 * @param {string} type
 */
function download(name, text, type) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.textContent = `download ${name}`;
  return a;
}

form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  void run();
});
if (params.get('autorun') === '1') void run();
