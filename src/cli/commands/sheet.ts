/** The gallery's index.html: a self-contained contact sheet (no scripts, no external files). */

export interface SheetEntry {
  file: string;
  spec: string;
  kernel: string;
  /** Small kernels are shown as a matrix. */
  kernelRows: number[][] | undefined;
  mapping: string;
  gpu: string;
  cpu: string;
  diff: string;
  lsb: number;
}

export interface SheetData {
  title: string;
  input: { file: string; label: string };
  adapter: string;
  settings: string;
  entries: SheetEntry[];
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function formatTap(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Number(v.toPrecision(3)).toString();
}

function matrix(rows: number[][]): string {
  const body = rows.map((r) => `<tr>${r.map((v) => `<td class="${v > 0 ? 'pos' : v < 0 ? 'neg' : 'zero'}">${escapeHtml(formatTap(v))}</td>`).join('')}</tr>`).join('');
  return `<table class="kernel" aria-label="kernel">${body}</table>`;
}

function card(e: SheetEntry): string {
  const e2 = escapeHtml;
  return `
  <figure>
    <a href="${e2(e.file)}"><img src="${e2(e.file)}" alt="${e2(e.spec)}" loading="lazy"></a>
    <figcaption>
      <div class="spec"><code>${e2(e.spec)}</code></div>
      <div class="row">${e.kernelRows ? matrix(e.kernelRows) : ''}
        <dl>
          <dt>kernel</dt><dd>${e2(e.kernel)}</dd>
          <dt>output</dt><dd>${e2(e.mapping)}</dd>
          <dt>GPU</dt><dd>${e2(e.gpu)}</dd>
          <dt>CPU</dt><dd>${e2(e.cpu)}</dd>
          <dt>max diff</dt><dd class="${e.lsb > 1 ? 'bad' : 'ok'}">${e2(e.diff)} · ${e.lsb} LSB</dd>
        </dl>
      </div>
    </figcaption>
  </figure>`;
}

/** Renders the contact sheet. */
export function contactSheet(d: SheetData): string {
  const e2 = escapeHtml;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e2(d.title)}</title>
<style>
  :root { color-scheme: light dark; --bg: #f4f4f2; --card: #fff; --ink: #1d1d1f; --muted: #6b6b70; --line: #deded9; --accent: #2f6fde; }
  @media (prefers-color-scheme: dark) { :root { --bg: #141416; --card: #1f1f23; --ink: #ececef; --muted: #9a9aa2; --line: #33333a; --accent: #7aa7ff; } }
  * { box-sizing: border-box; }
  body { margin: 0; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--ink); }
  header { margin-bottom: 20px; }
  h1 { font-size: 20px; margin: 0 0 6px; }
  header p { margin: 2px 0; color: var(--muted); }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 16px; }
  figure { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
  figure.input { outline: 2px solid var(--accent); outline-offset: -2px; }
  figure img { display: block; width: 100%; height: auto; background: #888; }
  figcaption { padding: 10px 12px 12px; }
  .spec code { font: 600 13px ui-monospace, SFMono-Regular, Menlo, monospace; }
  .row { display: flex; gap: 12px; align-items: flex-start; margin-top: 6px; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 1px 10px; margin: 0; font-size: 12.5px; }
  dt { color: var(--muted); }
  dd { margin: 0; font-variant-numeric: tabular-nums; }
  dd.ok { color: #1f8a4c; } dd.bad { color: #c62828; font-weight: 600; }
  table.kernel { border-collapse: collapse; font: 11px ui-monospace, monospace; }
  table.kernel td { border: 1px solid var(--line); padding: 1px 4px; text-align: right; min-width: 22px; }
  td.pos { background: rgba(47, 111, 222, .14); } td.neg { background: rgba(198, 40, 40, .14); } td.zero { color: var(--muted); }
  footer { margin-top: 20px; color: var(--muted); font-size: 12px; }
</style>
</head>
<body>
<header>
  <h1>${e2(d.title)}</h1>
  <p>${e2(d.settings)}</p>
  <p>Adapter: ${e2(d.adapter)}</p>
  <p>GPU time: upload, dispatch and readback of every colour channel in one batched call (after a warm-up run). CPU time: the library's CPU reference on the same data. Max diff: largest |GPU − CPU| of the output values before rounding (full scale = 1), and of the written pixels in LSB.</p>
</header>
<main class="grid">
  <figure class="input">
    <a href="${e2(d.input.file)}"><img src="${e2(d.input.file)}" alt="input"></a>
    <figcaption><div class="spec"><code>input</code></div><div>${e2(d.input.label)}</div></figcaption>
  </figure>${d.entries.map(card).join('')}
</main>
<footer>Made by <code>webgpu-conv gallery</code>.</footer>
</body>
</html>
`;
}
