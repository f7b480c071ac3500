// The live dashboard: devices, window charts (uPlot, mean with a min–max band), open anomalies and
// pipeline counters, updated from /api/stream. Plain browser JavaScript, no build step. With auth
// on, open /#token=<token>: the fragment never reaches a server or a log; the token is kept in
// sessionStorage and sent as a bearer header (also on the stream, which is why it is read with
// fetch rather than EventSource, which cannot send headers).
'use strict'
;(() => {
  const $ = (sel) => document.querySelector(sel)
  const hashToken = /(?:^|[#&])token=([^&]+)/.exec(location.hash)
  if (hashToken) {
    sessionStorage.setItem('iot-token', decodeURIComponent(hashToken[1]))
    history.replaceState(null, '', location.pathname)
  }
  const token = sessionStorage.getItem('iot-token')
  const headers = token ? { authorization: `Bearer ${token}` } : {}

  const state = { devices: [], selected: null, size: 60, rangeMs: 21_600_000, series: new Map(), charts: new Map(), windowsLoaded: 0, streamEvents: 0 }
  window.__dashboard = state // read by the browser test

  function showError(msg) {
    const el = $('#error')
    el.textContent = msg
    el.hidden = !msg
  }

  async function api(path) {
    const res = await fetch(path, { headers })
    const body = await res.json().catch(() => ({}))
    if (!res.ok) throw new Error(`${body.error || res.status}: ${body.message || res.statusText}`)
    return body
  }

  const ago = (iso) => {
    if (!iso) return '—'
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000))
    return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`
  }
  const text = (tag, content, cls) => {
    const el = document.createElement(tag)
    el.textContent = content
    if (cls) el.className = cls
    return el
  }

  // ---- devices
  async function loadDevices() {
    const items = []
    let cursor = null
    do {
      const page = await api(`/api/devices?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      items.push(...page.items)
      cursor = page.next
    } while (cursor && items.length < 5000)
    items.sort((a, b) => a.deviceId.localeCompare(b.deviceId))
    state.devices = items
    renderDevices()
    if (!state.selected && items.length > 0) {
      const latest = items.reduce((a, b) => ((b.lastSeen || '') > (a.lastSeen || '') ? b : a))
      selectDevice(latest.deviceId)
    }
  }

  function renderDevices() {
    const tbody = $('#devices tbody')
    tbody.replaceChildren(
      ...state.devices.map((d) => {
        const tr = document.createElement('tr')
        tr.dataset.device = d.deviceId
        if (d.deviceId === state.selected) tr.className = 'selected'
        tr.append(text('td', d.deviceId), text('td', d.sensor || '—'), text('td', d.status || '—', `status-${d.status}`), text('td', ago(d.lastSeen)))
        tr.addEventListener('click', () => selectDevice(d.deviceId))
        return tr
      }),
    )
    $('#device-count').textContent = `${state.devices.length}`
  }

  // ---- charts
  function selectDevice(id) {
    state.selected = id
    $('#chart-device').textContent = id
    renderDevices()
    loadWindows().catch((e) => showError(e.message))
  }

  async function loadWindows() {
    const id = state.selected
    if (!id) return
    // Whole minutes: dashboards open on the same device then ask the same query and share the cache.
    const to = Math.ceil(Date.now() / 60_000) * 60_000 + 60_000
    const from = to - state.rangeMs
    const page = await api(`/api/devices/${encodeURIComponent(id)}/windows?size=${state.size}&from=${from}&to=${to}&format=columns`)
    if (id !== state.selected) return
    state.series = new Map()
    let n = 0
    for (const [metric, c] of Object.entries(page.columns || {})) {
      c.windowStart.forEach((t, i) => addPoint(metric, t / 1000, c.min[i], c.max[i], c.mean[i]))
      n += c.windowStart.length
    }
    state.windowsLoaded = n
    drawCharts()
  }

  function addPoint(metric, tSec, min, max, mean) {
    let m = state.series.get(metric)
    if (!m) state.series.set(metric, (m = new Map()))
    m.set(tSec, [min, max, mean])
  }
  const addWindow = (w) => addPoint(w.metric, Date.parse(w.windowStart) / 1000, w.min, w.max, w.mean)

  function dataOf(points) {
    const xs = [...points.keys()].sort((a, b) => a - b)
    return [xs, xs.map((x) => points.get(x)[0]), xs.map((x) => points.get(x)[1]), xs.map((x) => points.get(x)[2])]
  }

  const colours = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be123c']

  function drawCharts() {
    const host = $('#charts')
    const metrics = [...state.series.keys()].sort()
    for (const [metric, c] of state.charts) {
      if (!state.series.has(metric)) {
        c.plot.destroy()
        c.el.remove()
        state.charts.delete(metric)
      }
    }
    if (metrics.length === 0) host.replaceChildren(text('p', 'no windows in this range yet', 'hint'))
    else host.querySelector(':scope > p')?.remove()
    metrics.forEach((metric, i) => {
      const data = dataOf(state.series.get(metric))
      const existing = state.charts.get(metric)
      if (existing) {
        existing.plot.setData(data)
        existing.el.dataset.points = String(data[0].length)
        return
      }
      const el = document.createElement('div')
      el.className = 'chart'
      el.dataset.metric = metric
      el.dataset.points = String(data[0].length)
      el.append(text('h3', metric))
      host.append(el)
      const colour = colours[i % colours.length]
      const plot = new uPlot(
        {
          width: Math.max(320, host.clientWidth - 10),
          height: 180,
          series: [
            {},
            { label: 'min', stroke: `${colour}55`, width: 1 },
            { label: 'max', stroke: `${colour}55`, width: 1 },
            { label: 'mean', stroke: colour, width: 2, points: { show: true, size: 4 } },
          ],
          bands: [{ series: [2, 1], fill: `${colour}22` }],
          axes: [{}, { size: 56 }],
          legend: { live: false },
        },
        data,
        el,
      )
      state.charts.set(metric, { plot, el })
    })
  }

  // ---- anomalies and pipeline
  async function loadAnomalies() {
    const page = await api('/api/anomalies?status=open&limit=50')
    $('#anomalies').replaceChildren(
      ...page.items.map((a) => {
        const li = document.createElement('li')
        li.append(text('span', `${a.severity || '?'} `, `sev-${a.severity}`), text('span', `${a.deviceId} · ${a.kind || ''} ${a.metric || ''} ${a.value ?? ''} · ${ago(a.openedAt)}`))
        return li
      }),
    )
    $('#anomaly-count').textContent = `${page.items.length}${page.next ? '+' : ''}`
  }

  async function loadPipeline() {
    const p = await api('/api/pipeline')
    const t = p.total
    const rows = [
      ['gateway received', t.gateway.received],
      ['accepted → Kafka', t.gateway.accepted],
      ['rejected by the gateway (DLQ)', t.gateway.rejectedTotal],
      ...Object.entries(t.gateway.rejected).map(([reason, n]) => [`  ${reason}`, n]),
      ['spooled / still in spool', `${t.gateway.spooled} / ${t.gateway.inSpool}`],
      ['stored raw', t.processor.storedRaw],
      ['duplicates dropped', t.processor.duplicates],
      ['dead-lettered by the processor (DLQ)', t.processor.deadLettered],
      ['counted in windows', t.processor.windowed],
      ['invalid (sensor faults)', t.processor.invalid],
      ['unaccounted at gateway', t.gateway.unaccounted, 'check'],
      ['in Kafka, not yet stored', t.flow.notYetStored, 'check'],
      ['stored, not yet windowed', t.flow.notYetWindowed, 'check'],
    ]
    $('#pipeline tbody').replaceChildren(
      ...rows.map(([k, v, cls]) => {
        const tr = document.createElement('tr')
        if (cls) tr.className = cls
        tr.append(text('td', k), text('td', String(v), 'n'))
        return tr
      }),
    )
  }

  // ---- live stream (fetch + text/event-stream parsing, so the bearer header can be sent)
  function onEvent(event, data) {
    state.streamEvents++
    if (event === 'hello' && Array.isArray(data.windowSizes)) {
      const sel = $('#size')
      sel.replaceChildren(...data.windowSizes.map((s) => Object.assign(document.createElement('option'), { value: String(s), textContent: s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s` })))
      sel.value = String(state.size)
    } else if (event === 'window') {
      if (data.deviceId === state.selected && data.sizeSeconds === state.size) {
        addWindow(data)
        drawCharts()
      }
      const d = state.devices.find((x) => x.deviceId === data.deviceId)
      if (!d) loadDevices().catch(() => {})
    } else if (event === 'anomaly') {
      loadAnomalies().catch(() => {})
    } else if (event === 'status') {
      const el = $('#store')
      el.textContent = data.store === 'ok' ? '' : `store: ${data.reason || 'unavailable'}`
      el.className = data.store === 'ok' ? 'pill' : 'pill bad'
    }
  }

  async function stream() {
    const live = $('#live')
    for (;;) {
      try {
        const res = await fetch('/api/stream', { headers: { ...headers, accept: 'text/event-stream' } })
        if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status}`)
        live.textContent = 'live'
        live.className = 'pill on'
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        let buf = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          buf += value
          let i
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i)
            buf = buf.slice(i + 2)
            let event = 'message'
            const data = []
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7)
              else if (line.startsWith('data: ')) data.push(line.slice(6))
            }
            if (data.length) onEvent(event, JSON.parse(data.join('\n')))
          }
        }
      } catch (e) {
        console.warn(e)
      }
      live.textContent = 'reconnecting…'
      live.className = 'pill off'
      await new Promise((r) => setTimeout(r, 3000))
    }
  }

  $('#size').addEventListener('change', (e) => {
    state.size = Number(e.target.value)
    loadWindows().catch((err) => showError(err.message))
  })
  $('#range').addEventListener('change', (e) => {
    state.rangeMs = Number(e.target.value)
    loadWindows().catch((err) => showError(err.message))
  })

  const every = (ms, fn) => {
    const run = () => fn().then(() => showError(''), (e) => showError(e.message))
    run()
    setInterval(run, ms)
  }
  every(10_000, loadDevices)
  every(10_000, loadAnomalies)
  every(5_000, loadPipeline)
  stream()
})()
