// Real-browser end-to-end test of the ssmplan map page: Debian's Chromium (headless, WebGL through
// SwiftShader) driven by playwright-core against a running `ssmplan serve`.
//
//   SSMPLAN_URL=http://127.0.0.1:PORT/ node --test-reporter=spec tests/browser/page.test.mjs
//
// Normally started by tests/browser/run.sh, which builds and starts the server. Environment:
//   SSMPLAN_URL       base URL of the running service (required)
//   SSMPLAN_CHROMIUM  Chromium executable (default /usr/bin/chromium)
//   SSMPLAN_SHOTS     screenshot directory (default <repo>/target/browser)
//
// The steps share one page and run in order; each one asserts what the page shows against the
// JSON API fetched independently by this script.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..', '..');
const BASE = process.env.SSMPLAN_URL;
const CHROMIUM = process.env.SSMPLAN_CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.SSMPLAN_SHOTS || join(ROOT, 'target', 'browser');
const SITES_CSV = join(ROOT, 'geodata', 'facilities', 'wallonia_ssm_sites.csv');

const READY_TIMEOUT = 30_000; // SwiftShader on 2 cores is slow
const STEP_TIMEOUT = 30_000;

const NAMUR = '92094';
const ARLON = { nis: '81001', lon: 5.8167, lat: 49.6833 };
const EXPECTED_SITES = 39;

if (!BASE) {
  console.error('SSMPLAN_URL is not set: start `ssmplan serve` and pass its URL (or use tests/browser/run.sh).');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Helpers (Node side)

const url = (path) => new URL(path, BASE).toString();

async function api(path, init) {
  const r = await fetch(url(path), init);
  const text = await r.text();
  assert.ok(r.ok, `${init?.method || 'GET'} ${path} answered ${r.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Digits of a text only ("115 029 hab." -> "115029"). */
const digits = (s) => String(s).replace(/\D/g, '');

/** A number written the Belgian way ("10,03", "−1 234,5") -> 10.03, -1234.5. */
function frNumber(s) {
  const t = String(s).replace(/[\s\u00a0\u202f]/g, '').replace(/\u2212/g, '-').replace(/,/g, '.');
  const m = t.match(/-?\d+(?:\.\d+)?/);
  assert.ok(m, `no number in ${JSON.stringify(s)}`);
  return Number(m[0]);
}

function inRing(x, y, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function polygonsOf(geometry) {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

function inPolygon(x, y, poly) {
  return inRing(x, y, poly[0]) && !poly.slice(1).some((h) => inRing(x, y, h));
}

function segmentDistance(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len)) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/**
 * Points well inside a commune, best first: `preferred` (when inside), then a 40 × 40 grid over
 * the largest polygon, sorted by distance to the boundary (a point far from the edges is clicked
 * on the commune whatever the rounding to pixels).
 */
function interiorPoints(feature, preferred = null) {
  const polys = polygonsOf(feature.geometry);
  const area = (ring) => Math.abs(ring.reduce((s, [x1, y1], i) => {
    const [x2, y2] = ring[(i + 1) % ring.length];
    return s + (x1 * y2 - x2 * y1);
  }, 0)) / 2;
  const poly = polys.reduce((a, b) => (area(b[0]) > area(a[0]) ? b : a));
  const xs = poly[0].map((c) => c[0]);
  const ys = poly[0].map((c) => c[1]);
  const [w, e, s, n] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const k = Math.cos(((s + n) / 2) * Math.PI / 180); // degrees of longitude are shorter
  const edgeDistance = (x, y) => Math.min(...poly.flatMap((ring) => ring.slice(1).map((c, i) => segmentDistance(x * k, y, [ring[i][0] * k, ring[i][1]], [c[0] * k, c[1]]))));
  const out = [];
  const N = 40;
  for (let i = 1; i < N; i += 1) {
    for (let j = 1; j < N; j += 1) {
      const x = w + ((e - w) * i) / N;
      const y = s + ((n - s) * j) / N;
      if (inPolygon(x, y, poly)) out.push({ lon: x, lat: y, d: edgeDistance(x, y) });
    }
  }
  out.sort((a, b) => b.d - a.d);
  const head = preferred && polys.some((p) => inPolygon(preferred.lon, preferred.lat, p)) ? [{ ...preferred }] : [];
  return [...head, ...out.slice(0, 200)];
}

// ---------------------------------------------------------------------------------------------
// Browser state shared by the steps

let browser;
let context;
let page;
let tmp;
let prerequisiteFailed = false;
const problems = []; // { step, text } console errors and page errors
let step = 'start-up';
const summary = {};
const notes = []; // page problems worth reporting that do not fail the run
let communes; // GET /api/communes, fetched independently
let shotCount = 0;

function errorsSince(mark, allowed = []) {
  return problems.slice(mark).filter((p) => !allowed.some((re) => re.test(p.text)));
}

function assertNoNewErrors(mark, allowed = []) {
  const bad = errorsSince(mark, allowed);
  assert.deepEqual(bad.map((p) => `[${p.step}] ${p.text}`), [], 'console errors or page errors');
}

async function assertNoErrorBanner() {
  const banner = await page.evaluate(() => {
    const e = document.getElementById('error');
    return { hidden: e.hidden, text: e.querySelector('.error-text')?.textContent || '', last: window.ssmplan.lastError };
  });
  assert.ok(banner.hidden || !banner.text.trim(), `#error shows: ${banner.text}`);
  assert.equal(banner.last, null, `window.ssmplan.lastError = ${banner.last}`);
}

/**
 * Screenshot of the viewport into SHOTS/<name>.png. With `show`, the mouse leaves the map first
 * (no tooltip over the result) and that element is scrolled into view in the side panel.
 */
async function shot(name, show = null) {
  shotCount += 1;
  const file = join(SHOTS, `${name}.png`);
  if (show) {
    await page.mouse.move(2, 2);
    await page.evaluate((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'start' }), show);
  }
  await page.screenshot({ path: file });
  return file;
}

/**
 * A page pixel (integers, for page.mouse) showing `nis` among `candidates` points: on the map
 * canvas (not under a card or control), with that commune rendered there and no site marker
 * within 8 px (the page's hit test gives a site within 6 px the priority).
 */
async function clickablePixel(nis, candidates) {
  const found = await page.evaluate(({ nis, candidates }) => {
    const map = window.ssmplan.map;
    const canvas = map.getCanvas();
    const rect = canvas.getBoundingClientRect();
    const siteLayers = ['sites-siege', 'sites-antenne', 'sites-unknown', 'scenario-added'].filter((l) => map.getLayer(l));
    for (const c of candidates) {
      const p = map.project([c.lon, c.lat]);
      const x = Math.round(rect.left + p.x);
      const y = Math.round(rect.top + p.y);
      const local = [x - rect.left, y - rect.top];
      if (local[0] < 2 || local[1] < 2 || local[0] > rect.width - 2 || local[1] > rect.height - 2) continue;
      if (document.elementFromPoint(x, y) !== canvas) continue;
      const hits = map.queryRenderedFeatures(local, { layers: ['communes-fill'] });
      if (!hits.length || hits[0].properties.nis !== nis) continue;
      const box = [[local[0] - 8, local[1] - 8], [local[0] + 8, local[1] + 8]];
      if (map.queryRenderedFeatures(box, { layers: siteLayers }).length) continue;
      const ll = map.unproject(local);
      return { x, y, lon: ll.lng, lat: ll.lat };
    }
    return null;
  }, { nis, candidates });
  assert.ok(found, `no clickable pixel found inside commune ${nis} (covered, off-map or next to a site)`);
  return found;
}

/** dd text of the dt labelled `label` inside `root`. */
async function figureText(root, label) {
  return page.evaluate(({ root, label }) => {
    const dts = [...document.querySelectorAll(`${root} dt`)];
    const dt = dts.find((d) => d.textContent.trim() === label);
    return dt && dt.nextElementSibling ? dt.nextElementSibling.textContent : null;
  }, { root, label });
}

async function openTab(name) {
  await page.click(`#tab-${name}`);
  await page.waitForFunction((name) => {
    const t = document.getElementById(`tab-${name}`);
    const panel = document.getElementById(t.getAttribute('aria-controls'));
    return t.getAttribute('aria-selected') === 'true' && panel && !panel.hidden;
  }, name, { timeout: 5_000 });
}

function requirePrerequisite(t) {
  if (prerequisiteFailed) {
    t.skip('the page never became ready');
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------

describe('ssmplan map page in Chromium', () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'ssmplan-browser-'));
    communes = await api('/api/communes');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    summary.chromium = browser.version();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1, locale: 'fr-BE' });
    // Records when <html data-ready="true"> is first set, on the page's own clock (ms since
    // navigation start), whatever the polling interval of waitForFunction.
    await context.addInitScript(() => {
      const obs = new MutationObserver(() => {
        if (document.documentElement.dataset.ready === 'true' && window.__ssmplanReadyAt === undefined) {
          window.__ssmplanReadyAt = performance.now();
        }
      });
      obs.observe(document, { attributes: true, attributeFilter: ['data-ready'], subtree: true });
    });
    page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push({ step, text: `console.error: ${m.text()}` });
    });
    page.on('pageerror', (e) => problems.push({ step, text: `page error: ${e.message}` }));
    page.on('requestfailed', (r) => {
      const reason = r.failure()?.errorText || '';
      if (!/ERR_ABORTED/.test(reason)) problems.push({ step, text: `request failed: ${r.method()} ${r.url()} (${reason})` });
    });
  });

  after(async () => {
    if (browser) await browser.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    console.log('\n--- ssmplan browser test summary ---');
    for (const [k, v] of Object.entries(summary)) console.log(`${k.padEnd(28)} ${v}`);
    console.log(`${'screenshots'.padEnd(28)} ${shotCount} in ${SHOTS}`);
    for (const n of notes) console.log(`NOTE (page): ${n}`);
    if (problems.length) {
      console.log('console/page errors seen (expected ones included):');
      for (const p of problems) console.log(`  [${p.step}] ${p.text}`);
    }
  });

  it('1. loads, draws every commune and site, without errors', async () => {
    step = '1-load';
    const mark = problems.length;
    const expectedCommunes = communes.features.length;
    assert.equal(expectedCommunes, 252, 'GET /api/communes should hold the 252 communes of the AVIQ scope');
    const sites = await api('/api/sites');
    assert.equal(sites.features.length, EXPECTED_SITES, 'GET /api/sites');

    const t0 = Date.now();
    try {
      await page.goto(url('/'), { waitUntil: 'domcontentloaded' });
      await page.waitForFunction(() => window.ssmplan && window.ssmplan.ready === true, null, { timeout: READY_TIMEOUT, polling: 50 });
    } catch (e) {
      prerequisiteFailed = true;
      await shot('1-not-ready').catch(() => {});
      const state = await page.evaluate(() => ({ ...window.ssmplan, map: undefined })).catch(() => null);
      throw new Error(`window.ssmplan.ready did not become true within ${READY_TIMEOUT} ms (state: ${JSON.stringify(state)}; errors: ${JSON.stringify(problems)}): ${e.message}`);
    }
    const wall = Date.now() - t0;
    await shot('1-ready');
    const hook = await page.evaluate(() => ({
      ready: window.ssmplan.ready,
      communesDrawn: window.ssmplan.communesDrawn,
      sites: window.ssmplan.sites,
      hasMap: Boolean(window.ssmplan.map && typeof window.ssmplan.map.project === 'function'),
      dataReady: document.documentElement.dataset.ready,
      readyAt: window.__ssmplanReadyAt,
      sitesRendered: new Set(window.ssmplan.map.queryRenderedFeatures({ layers: ['sites-siege', 'sites-antenne', 'sites-unknown'] }).map((f) => f.properties.site_id)).size,
    }));
    summary['time to ready (page clock)'] = `${Math.round(hook.readyAt)} ms from navigation start`;
    summary['time to ready (wall)'] = `${wall} ms from page.goto`;
    console.log(`page ready after ${Math.round(hook.readyAt)} ms (navigation start -> data-ready), ${wall} ms wall clock`);
    // What the first view costs: bytes on the wire (compressed) and when each part arrived.
    const perf = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource');
      const at = (part) => {
        const r = res.find((e) => e.name.includes(part));
        return r ? Math.round(r.responseEnd) : null;
      };
      return {
        bytes: res.reduce((sum, r) => sum + (r.transferSize || 0), nav ? nav.transferSize : 0),
        domContentLoaded: nav ? Math.round(nav.domContentLoadedEventEnd) : null,
        maplibre: at('maplibre-gl.js'),
        communes: at('/api/communes'),
        marks: performance.getEntriesByType('mark')
          .filter((m) => m.name.startsWith('ssmplan:'))
          .map((m) => `${m.name.slice(8)} ${Math.round(m.startTime)} ms`)
          .join(', '),
      };
    });
    summary['first view transfer'] = `${Math.round(perf.bytes / 1024)} KiB compressed, every request until ready`;
    summary['first view milestones'] = `DOMContentLoaded ${perf.domContentLoaded} ms, maplibre-gl.js ${perf.maplibre} ms, /api/communes ${perf.communes} ms, polygons drawn ${Math.round(hook.readyAt)} ms`;
    summary['page marks'] = perf.marks;
    assert.ok(perf.bytes > 100 * 1024 && perf.bytes < 1.5 * 1024 * 1024, `first view transfer ${perf.bytes} bytes (goal < 1.5 MB)`);
    assert.equal(hook.dataReady, 'true', '<html data-ready>');
    assert.ok(hook.hasMap, 'window.ssmplan.map is the MapLibre map');
    assert.equal(hook.communesDrawn, expectedCommunes, 'window.ssmplan.communesDrawn');
    assert.equal(hook.sites, EXPECTED_SITES, 'window.ssmplan.sites');
    summary['communes drawn'] = `${hook.communesDrawn} (API: ${expectedCommunes})`;
    summary['sites'] = `${hook.sites} (rendered on screen: ${hook.sitesRendered})`;
    assert.ok(hook.sitesRendered > 0, 'site markers are rendered on the map');
    await assertNoErrorBanner();
    assertNoNewErrors(mark);
  });

  it('2. a real click on Namur shows its name and population in the panel', async (t) => {
    if (!requirePrerequisite(t)) return;
    step = '2-click-commune';
    const mark = problems.length;
    const namur = communes.features.find((f) => f.properties.nis === NAMUR);
    assert.ok(namur, `commune ${NAMUR} in /api/communes`);
    const px = await clickablePixel(NAMUR, interiorPoints(namur));
    await page.mouse.click(px.x, px.y);
    await page.waitForFunction((name) => document.getElementById('panel-title').textContent.trim() === name, namur.properties.name, { timeout: 10_000 })
      .finally(() => shot('2-commune-namur'));
    assert.equal(await page.evaluate(() => document.getElementById('panel').hidden), false, '#panel visible');
    const pop = await figureText('#panel-body', 'Population (2025)');
    assert.ok(pop, 'the panel lists « Population (2025) »');
    assert.equal(digits(pop), String(namur.properties.population), `population shown: ${JSON.stringify(pop)}`);
    assert.match(pop, /\d\u202f\d{3}/, 'thousands separated by a narrow no-break space (fr-BE)');
    const outlined = await page.evaluate(() => JSON.stringify(window.ssmplan.map.getFilter('commune-selected-line')));
    assert.ok(outlined.includes(`"${NAMUR}"`), `the clicked commune is outlined on the map (filter ${outlined})`);
    const nisShown = await figureText('#panel-body', 'Code INS');
    assert.equal(nisShown, NAMUR);
    summary['clicked commune'] = `${namur.properties.name} at (${px.x}, ${px.y}), population ${pop.trim()}`;
    await assertNoErrorBanner();
    assertNoNewErrors(mark);
  });

  it('2b. the « minutes » layer: modelled drive time, legend in minutes, never called routed', async (t) => {
    if (!requirePrerequisite(t)) return;
    step = '2b-minutes-layer';
    const mark = problems.length;
    const namur = communes.features.find((f) => f.properties.nis === NAMUR);
    assert.equal(typeof namur.properties.mean_time_min, 'number', '/api/communes gives mean_time_min');
    await page.click('#layer-minutes');
    await page.waitForFunction(() => window.ssmplan.layer === 'minutes', null, { timeout: 5_000 });
    const fill = await page.evaluate(() => JSON.stringify(window.ssmplan.map.getPaintProperty('communes-fill', 'fill-color')));
    assert.ok(fill.includes('mean_time_min'), `the communes are coloured by mean_time_min (${fill.slice(0, 120)})`);
    const legend = await page.evaluate(() => document.getElementById('legend').textContent);
    assert.match(legend, /Unité : minutes/, 'the legend gives the unit');
    assert.match(legend, /\d+ – \d+ min/, 'the legend classes are in minutes');
    assert.match(legend, /temps de trajet modélisé/i);
    assert.match(legend, /pas un itinéraire routier calculé/);
    assert.match(legend, /erreur moyenne \d+,\d points/, 'the legend gives the calibration error');
    assert.ok(!/temps (de trajet )?routier calculé|itinéraire calculé par/.test(legend.replace('pas un itinéraire routier calculé', '')), 'never called routed');
    const shown = await figureText('#panel-body', 'Temps de trajet modélisé moyen');
    assert.ok(shown, 'the panel lists « Temps de trajet modélisé moyen »');
    assert.match(shown, /^\d+,\d\s?min$/, `minutes shown: ${JSON.stringify(shown)}`);
    assert.equal(Number(shown.replace(/\s?min$/, '').replace(',', '.')), Math.round(namur.properties.mean_time_min * 10) / 10, 'the API value');
    summary['minutes layer'] = `Namur ${shown}; legend: ${legend.slice(0, 90)}…`;
    await shot('2b-minutes-layer', '#legend');
    await page.click('#layer-distance');
    await page.waitForFunction(() => window.ssmplan.layer === 'distance', null, { timeout: 5_000 });
    await assertNoErrorBanner();
    assertNoNewErrors(mark);
  });

  it('3. recommendations: p = 3, ranked list matching GET /api/recommendations', async (t) => {
    if (!requirePrerequisite(t)) return;
    step = '3-recommendations';
    const mark = problems.length;
    await openTab('reco');
    const P = 3;
    await page.fill('#reco-p', String(P));
    const form = await page.evaluate(() => ({
      model: document.getElementById('reco-model').value,
      p: document.getElementById('reco-p').value,
      radius_km: document.getElementById('reco-radius').value,
      candidates: document.getElementById('reco-candidates').value,
    }));
    assert.equal(form.p, String(P));
    const t0 = Date.now();
    await page.click('#reco-run');
    await page.waitForFunction((n) => document.querySelectorAll('#reco-list li').length === n
      && !document.getElementById('reco-results').hidden, P, { timeout: STEP_TIMEOUT })
      .finally(() => shot('3-recommendations', '#reco-results h3:last-of-type'));
    summary['recommendations (p = 3)'] = `${Date.now() - t0} ms click -> list`;

    const q = new URLSearchParams({ model: form.model, p: form.p, candidates: form.candidates });
    if (form.model !== 'pmedian') q.set('radius_km', form.radius_km);
    const report = await api(`/api/recommendations?${q}`);
    const rows = report.tables.recommendations;
    assert.equal(rows.length, P, 'the API recommends p sites');

    const items = await page.$$eval('#reco-list li', (lis) => lis.map((li) => ({
      text: li.textContent,
      rank: li.dataset.rank,
      rankShown: li.querySelector('.reco-rank')?.textContent.trim(),
      commune: li.querySelector('.reco-commune strong')?.textContent.trim(),
    })));
    const communeNames = new Set(communes.features.map((f) => f.properties.name));
    items.forEach((it, i) => {
      assert.equal(it.rank, String(i + 1), `li ${i + 1} data-rank`);
      assert.equal(it.rankShown, String(i + 1), `li ${i + 1} shows its rank`);
      assert.ok(it.commune && communeNames.has(it.commune), `li ${i + 1} names a commune: ${JSON.stringify(it.commune)}`);
      assert.ok(it.text.includes(rows[i].commune), `li ${i + 1} should name ${rows[i].commune} (API rank ${rows[i].rank}): ${it.text.slice(0, 120)}`);
    });
    const markers = await page.$$eval('.reco-marker', (ms) => ms.map((m) => m.textContent));
    assert.deepEqual(markers, items.map((_, i) => String(i + 1)), 'numbered markers on the map');
    summary['recommended'] = items.map((it) => `${it.rank}. ${it.commune}`).join(', ');
    await assertNoErrorBanner();
    assertNoNewErrors(mark);
  });

  it('4. scenario: a siège added in Arlon by a map click lowers the mean distance', async (t) => {
    if (!requirePrerequisite(t)) return;
    step = '4-scenario';
    const mark = problems.length;
    await openTab('scenario');
    await page.click('#scenario-add');
    assert.equal(await page.getAttribute('#scenario-add', 'aria-pressed'), 'true', '#scenario-add toggled on');
    assert.equal(await page.isVisible('#map-mode'), true, 'the map shows the pick-mode banner');

    const arlon = communes.features.find((f) => f.properties.nis === ARLON.nis);
    assert.ok(arlon, `commune ${ARLON.nis} (Arlon) in /api/communes`);
    const px = await clickablePixel(ARLON.nis, interiorPoints(arlon, ARLON));
    const posted = page.waitForRequest((r) => r.url().includes('/api/scenario') && r.method() === 'POST');
    const t0 = Date.now();
    await page.mouse.click(px.x, px.y);
    const body = JSON.parse((await posted).postData());
    await page.waitForSelector('#scenario-figures tbody tr', { timeout: STEP_TIMEOUT })
      .finally(() => shot('4-scenario-arlon', '#tabpanel-scenario h3'));
    summary['scenario'] = `${Date.now() - t0} ms click -> figures`;
    assert.equal(await page.getAttribute('#scenario-add', 'aria-pressed'), 'false', 'pick mode ends after the click');
    assert.equal(body.add_sites.length, 1, 'one site added');
    assert.equal(body.add_sites[0].kind, 'siege');
    assert.ok(Math.abs(body.add_sites[0].lon - px.lon) < 1e-4 && Math.abs(body.add_sites[0].lat - px.lat) < 1e-4, `added at the clicked point: ${JSON.stringify(body.add_sites[0])} vs ${JSON.stringify(px)}`);
    assert.match(await page.textContent('#scenario-list'), /Arlon/, 'the change list places the site in Arlon');
    await page.waitForFunction(() => window.ssmplan.map.queryRenderedFeatures({ layers: ['scenario-added'] }).length === 1, null, { timeout: 10_000 })
      .catch(() => assert.fail('the added site is not drawn on the map (layer scenario-added)'));

    const rows = await page.$$eval('#scenario-figures tbody tr', (trs) => trs.map((tr) => ({
      label: tr.querySelector('th')?.textContent.trim(),
      beforeAfter: tr.querySelectorAll('td')[0]?.textContent,
    })));
    const mean = rows.find((r) => r.label === 'Distance moyenne');
    assert.ok(mean, `a « Distance moyenne » row in #scenario-figures: ${JSON.stringify(rows.map((r) => r.label))}`);
    const [beforeText, afterText] = mean.beforeAfter.split('→');
    assert.ok(afterText !== undefined, `before → after: ${mean.beforeAfter}`);
    const before = frNumber(beforeText);
    const afterV = frNumber(afterText);
    assert.ok(afterV < before, `mean distance after (${afterV}) < before (${before})`);

    // The same scenario posted by this script: the page shows the server's figures.
    const server = await api('/api/scenario', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const d = server.tables.deltas.find((r) => r.metric === 'mean_distance_km' && r.zone === 'all');
    assert.ok(d, 'POST /api/scenario answers mean_distance_km for zone all');
    assert.ok(d.delta < 0, `server delta ${d.delta} < 0`);
    assert.ok(Math.abs(d.before - before) <= 0.006 && Math.abs(d.after - afterV) <= 0.006, `page ${before} → ${afterV} vs server ${d.before} → ${d.after}`);
    summary['scenario mean distance'] = `${mean.beforeAfter.replace(/\s+/g, ' ').trim()} (server delta ${d.delta})`;
    await assertNoErrorBanner();
    assertNoNewErrors(mark);
  });

  it('5. upload: a bad row is reported by line and field; the good file loads', async (t) => {
    if (!requirePrerequisite(t)) return;
    step = '5-upload';
    const mark = problems.length;
    await openTab('data');

    // The default sites file with line 4's `lat` replaced by `north`.
    const text = readFileSync(SITES_CSV, 'utf8');
    const lines = text.split('\n');
    const header = lines[0].split(',');
    const latCol = header.indexOf('lat');
    assert.ok(latCol >= 0, 'the sites file has a lat column');
    const cells = lines[3].split(',');
    assert.equal(cells.length, header.length, 'line 4 has no quoted comma (simple split is exact)');
    assert.ok(Number.isFinite(Number(cells[latCol])), `line 4's lat is a number: ${cells[latCol]}`);
    cells[latCol] = 'north';
    lines[3] = cells.join(',');
    const bad = join(tmp, 'sites-ligne4-invalide.csv');
    writeFileSync(bad, lines.join('\n'));
    const good = join(tmp, 'wallonia_ssm_sites.csv');
    writeFileSync(good, text);

    await page.setInputFiles('#upload-input', bad);
    await page.waitForSelector('#upload-error', { state: 'visible', timeout: STEP_TIMEOUT })
      .finally(() => shot('5a-upload-error', '#tabpanel-data'));
    const err = (await page.textContent('#upload-error')).trim();
    summary['upload error shown'] = err;
    assert.match(err, /Ligne 4\b/, `#upload-error names line 4: ${err}`);
    assert.match(err, /\blat\b/, `#upload-error names the field lat: ${err}`);
    if (/\b(expected|found|is not|missing|invalid)\b/i.test(err)) notes.push(`#upload-error is partly in English: ${err}`);
    assert.equal(await page.evaluate(() => window.ssmplan.dataset), null, 'the refused file does not switch the dataset');
    assert.equal(await page.evaluate(() => window.ssmplan.sites), EXPECTED_SITES);

    const t0 = Date.now();
    await page.setInputFiles('#upload-input', good);
    await page.waitForFunction(() => window.ssmplan.dataset && window.ssmplan.ready === true, null, { timeout: READY_TIMEOUT, polling: 50 })
      .finally(() => shot('5b-upload-ok', '#tabpanel-data'));
    summary['upload -> ready again'] = `${Date.now() - t0} ms`;
    const ok = await page.textContent('#upload-status .success');
    assert.ok(ok, 'a success message in #upload-status');
    assert.match(ok, /Jeu de données chargé/, ok);
    assert.equal(digits(ok.match(/([\d\s\u202f\u00a0]+)\s*sites/)?.[1] || ''), String(EXPECTED_SITES), `success message counts the sites: ${ok}`);
    assert.equal(await page.isVisible('#upload-error'), false, '#upload-error hidden after a good upload');
    const hook = await page.evaluate(() => ({ sites: window.ssmplan.sites, communesDrawn: window.ssmplan.communesDrawn, dataset: window.ssmplan.dataset }));
    assert.equal(hook.sites, EXPECTED_SITES, 'window.ssmplan.sites after the upload');
    assert.equal(hook.communesDrawn, communes.features.length, 'communes still drawn after the upload');
    assert.match(await page.textContent('#upload-current'), new RegExp(hook.dataset.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), '#upload-current names the active dataset');
    summary['upload success'] = `${ok.trim()} (dataset ${hook.dataset})`;
    await assertNoErrorBanner();
    // The 422 of the refused file is logged by Chromium as a failed resource load: expected.
    assertNoNewErrors(mark, [/status of 422/]);
  });

  it('no unexpected console or page error during the whole run', () => {
    assertNoNewErrors(0, [/status of 422/]);
  });
});
