/** Depth (cm) and rain (mm/h) of one sensor over the last 6 h, with band lines and its alarms (ECharts). */
import { useEffect, useMemo, useRef, useState } from 'react';
import { LineChart, BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { BAND_COLORS, BAND_LABELS_ZH, DEFAULT_BAND_THRESHOLDS_MM, DEPTH_BANDS } from '../../../protocol/bands.ts';
import type { SensorView } from '../../../protocol/api.schema.ts';
import { ALARM_KIND_NAMES_ZH, type AlarmView } from '../../../protocol/sensing.schema.ts';
import { LEVEL_COLORS, LEVEL_NAMES_ZH, type AlarmMap } from '../alarms/alarm-state.ts';
import { fetchAlarms, fetchSeries } from '../alarms/sensing-api.ts';
import { formatDepthCm } from '../sensors/sensor-state.ts';
import { testHooks } from '../test-hooks/test-hooks.ts';

echarts.use([LineChart, BarChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

/** Span of the chart, milliseconds (6 h). */
export const CHART_SPAN_MS = 6 * 3_600_000;
/** Alarm markers closer than this to a labelled one go unlabelled, milliseconds (20 min). */
const ALARM_LABEL_GAP_MS = 20 * 60_000;

declare module '../test-hooks/test-hooks.ts' {
  interface YzgTestHooks {
    /** The open sensor chart: its sensor, how many points, alarm markers and acknowledge/clear markers it draws. */
    chart?: { sn: string; points: number; alarmMarks: number; followUpMarks: number; loaded: boolean } | null;
  }
}

/** Props of the chart. */
export interface SensorChartProps {
  token: string;
  sensor: SensorView;
  /** Open alarms, kept live; the sensor's are merged with its alarm history. */
  alarms: AlarmMap;
  onClose(): void;
}

interface Point {
  tMs: number;
  depthCm: number | null;
  rainMmPerH: number | null;
}

/** The sensor detail chart, floating over the map. */
export function SensorChart({ token, sensor, alarms, onClose }: SensorChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const [points, setPoints] = useState<Point[]>([]);
  const [history, setHistory] = useState<AlarmView[]>([]);
  const [loaded, setLoaded] = useState(false);
  const sn = sensor.sn;

  useEffect(() => {
    const abort = new AbortController();
    setPoints([]);
    setHistory([]);
    setLoaded(false);
    const toMs = Date.now();
    void Promise.all([fetchSeries(token, sn, toMs - CHART_SPAN_MS, toMs + 60_000, '1m', abort.signal), fetchAlarms(token, 'all', 1000, abort.signal)]).then(
      ([series, all]) => {
        if (abort.signal.aborted) return;
        if (series.kind === 'ok') {
          setPoints((live) => {
            const fetched = series.value.points.map((p) => ({
              tMs: Date.parse(p.t),
              depthCm: p.depthAvgMm === null ? null : p.depthAvgMm / 10,
              rainMmPerH: p.rainAvgMmPerH,
            }));
            const lastMs = fetched.at(-1)?.tMs ?? 0;
            return [...fetched, ...live.filter((p) => p.tMs > lastMs)];
          });
        }
        if (all.kind === 'ok') setHistory(all.value.filter((a) => a.sourceSn === sn && Date.parse(a.raisedAt) >= toMs - CHART_SPAN_MS));
        setLoaded(true);
      },
      () => undefined,
    );
    return () => abort.abort();
  }, [token, sn]);

  // Each new reading of the sensor extends the line live.
  const latest = sensor.latest;
  useEffect(() => {
    if (!latest) return;
    const tMs = Date.parse(latest.ts);
    setPoints((ps) => {
      const last = ps.at(-1);
      if (last && last.tMs >= tMs) return ps;
      const kept = ps.filter((p) => p.tMs >= tMs - CHART_SPAN_MS);
      return [...kept, { tMs, depthCm: latest.depthMm / 10, rainMmPerH: latest.rainMmPerH ?? null }];
    });
  }, [latest]);

  const marks = useMemo(() => {
    const byId = new Map(history.map((a) => [a.id, a]));
    for (const a of alarms.values()) if (a.sourceSn === sn) byId.set(a.id, a);
    return [...byId.values()];
  }, [history, alarms, sn]);

  useEffect(() => {
    if (!host.current) return;
    const c = echarts.init(host.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(host.current);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
      testHooks().chart = null;
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const nowMs = Date.now();
    const bandLines = DEFAULT_BAND_THRESHOLDS_MM.map((mm, i) => {
      const band = DEPTH_BANDS[i + 1] ?? 'close';
      return {
        yAxis: mm / 10,
        lineStyle: { color: BAND_COLORS[band], type: 'dashed' as const, width: 1 },
        label: { formatter: BAND_LABELS_ZH[band], color: BAND_COLORS[band], position: 'insideEndTop' as const, fontSize: 11 },
      };
    });
    // Alarms raised close together would print their labels on top of each other: label only the first of a cluster.
    let lastLabelledMs = Number.NEGATIVE_INFINITY;
    const alarmLines = [...marks]
      .sort((x, y) => Date.parse(x.raisedAt) - Date.parse(y.raisedAt))
      .map((a) => {
        const atMs = Date.parse(a.raisedAt);
        const labelled = atMs - lastLabelledMs >= ALARM_LABEL_GAP_MS;
        if (labelled) lastLabelledMs = atMs;
        return {
          xAxis: atMs,
          lineStyle: { color: LEVEL_COLORS[a.level] ?? '#90a4ae', type: 'solid' as const, width: 2 },
          label: {
            show: labelled,
            formatter: `${LEVEL_NAMES_ZH[a.level] ?? ''}${ALARM_KIND_NAMES_ZH[a.kind] ?? a.kind}`,
            color: LEVEL_COLORS[a.level] ?? '#e3f2fd',
            position: 'end' as const,
            fontSize: 11,
          },
        };
      });
    // The alarms' history after raising: acknowledged (dashed, level colour) and cleared (dotted, green).
    const followUpLines = marks.flatMap((a) => [
      ...(a.ackedAt ? [{ xAxis: Date.parse(a.ackedAt), lineStyle: { color: LEVEL_COLORS[a.level] ?? '#90a4ae', type: 'dashed' as const, width: 1 }, label: { show: false } }] : []),
      ...(a.clearedAt ? [{ xAxis: Date.parse(a.clearedAt), lineStyle: { color: '#69f0ae', type: 'dotted' as const, width: 2 }, label: { show: false } }] : []),
    ]);
    const maxDepth = Math.max(45, ...points.map((p) => p.depthCm ?? 0));
    c.setOption(
      {
        animation: false,
        backgroundColor: 'transparent',
        textStyle: { fontFamily: "'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif", color: '#e3f2fd' },
        tooltip: { trigger: 'axis' },
        legend: { data: ['水深 cm', '雨强 mm/h'], textStyle: { color: '#e3f2fd' }, top: 0, right: 8 },
        grid: { left: 48, right: 52, top: 44, bottom: 28 },
        xAxis: { type: 'time', min: nowMs - CHART_SPAN_MS, max: nowMs, axisLabel: { color: '#90a4ae' }, splitLine: { show: false } },
        yAxis: [
          { type: 'value', name: 'cm', min: 0, max: Math.ceil(maxDepth / 5) * 5, axisLabel: { color: '#90a4ae' }, splitLine: { lineStyle: { color: 'rgba(144,164,174,0.15)' } } },
          { type: 'value', name: 'mm/h', min: 0, position: 'right', axisLabel: { color: '#90a4ae' }, splitLine: { show: false } },
        ],
        series: [
          {
            name: '雨强 mm/h',
            type: 'bar',
            yAxisIndex: 1,
            barMaxWidth: 6,
            itemStyle: { color: 'rgba(64,196,255,0.55)' },
            data: points.map((p) => [p.tMs, p.rainMmPerH]),
          },
          {
            name: '水深 cm',
            type: 'line',
            yAxisIndex: 0,
            showSymbol: points.length < 30,
            lineStyle: { color: '#ffb74d', width: 2 },
            itemStyle: { color: '#ffb74d' },
            data: points.map((p) => [p.tMs, p.depthCm]),
            markLine: { symbol: 'none', silent: true, data: [...bandLines, ...alarmLines, ...followUpLines] },
          },
        ],
      },
      { notMerge: true },
    );
    testHooks().chart = { sn, points: points.length, alarmMarks: alarmLines.length, followUpMarks: followUpLines.length, loaded };
  }, [points, marks, sn, loaded]);

  return (
    <section className="sensor-chart" aria-label="传感器水深与雨强曲线" data-sn={sn}>
      <header>
        <h2>
          {sensor.name}
          <small>
            {sensor.regionName} · {sn} · 当前 {formatDepthCm(latest?.depthMm)}
            {latest?.rainMmPerH !== undefined && ` · 雨强 ${latest.rainMmPerH.toFixed(1)} mm/h`} · 近 6 小时 Last 6 h
          </small>
        </h2>
        <button type="button" className="chart-close" aria-label="关闭曲线" onClick={onClose}>
          ×
        </button>
      </header>
      <div ref={host} className="chart-canvas" />
    </section>
  );
}
