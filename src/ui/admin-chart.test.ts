// Tests for the dashboard's figures and charts: units, the y axis, gaps where a figure has no value, escaping.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatFigure, renderChart, renderFigureCard, type FigureCard } from './admin-chart.js';

const frame = { now: 1000, span: 100 };
const card = (overrides: Partial<FigureCard>): FigureCard => ({ title: 'Figure', unit: 'count', value: 3, explanation: 'x', points: [], ...overrides });

describe('dashboard charts', () => {
  it('formats each unit, and a dash for no value', () => {
    assert.deepEqual(
      [formatFigure(0.9876, 'percent'), formatFigure(2.6, 'count'), formatFigure(0.0427, 'seconds'), formatFigure(1.5, 'seconds'), formatFigure(null, 'percent')],
      ['98.8%', '3', '43 ms', '1.50 s', '–'],
    );
  });

  it('breaks the line where there is no value, and tops the axis at 100% or a round number above the largest value', () => {
    const points = [{ from: 910, at: 920, value: 0.5 }, { from: 920, at: 930, value: 1 }, { from: 930, at: 940, value: null }, { from: 940, at: 950, value: 0.25 }];
    const rate = renderChart(card({ unit: 'percent', points }), frame).value;
    assert.equal((rate.match(/<polyline /g) ?? []).length, 1, 'the first two points make a line');
    assert.equal((rate.match(/<circle /g) ?? []).length, 1, 'the last one, alone after a gap, a dot');
    assert.match(rate, />100\.0%<\/text>/);
    const counts = renderChart(card({ points: [{ from: 980, at: 990, value: 7 }] }), frame).value;
    assert.match(counts, />10<\/text>/);
    assert.match(counts, />5<\/text>/);
    const one = renderChart(card({ points: [{ from: 980, at: 990, value: 1 }] }), frame).value;
    assert.deepEqual([...one.matchAll(/class="axis"[^>]*>(\d+)<\/text>/g)].map((match) => match[1]), ['0', '1'], 'no half a request on the axis');
    assert.match(renderChart(card({ points: [] }), frame).value, />1<\/text>/, 'an empty chart still has an axis');
  });

  it('labels the time axis in minutes for an hour and in hours for a day', () => {
    const hour = renderChart(card({}), { now: 10_000, span: 3600 }).value;
    const day = renderChart(card({}), { now: 100_000, span: 86_400 }).value;
    assert.deepEqual([...hour.matchAll(/>(−[^<]+|now)<\/text>/g)].map((match) => match[1]), ['−60 min', '−30 min', 'now']);
    assert.deepEqual([...day.matchAll(/>(−[^<]+|now)<\/text>/g)].map((match) => match[1]), ['−24 h', '−12 h', 'now']);
  });

  it('escapes the title it is given and names the latest interval by its real length, the live one being shorter', () => {
    const page = renderFigureCard(card({ title: '<b>Odd</b>', points: [{ from: 980, at: 990, value: 4 }, { from: 990, at: 997, value: 2 }] }), frame).value;
    assert.doesNotMatch(page, /<b>Odd/);
    assert.match(page, /Latest 7 s: <span data-latest="-b-odd-b-">2<\/span>/);
    const day = renderFigureCard(card({ points: [{ from: 0, at: 300, value: 4 }, { from: 300, at: 300, value: 0 }] }), { now: 300, span: 86_400 }).value;
    assert.match(day, /Latest 5 min: <span data-latest="figure">4<\/span>/, 'a live reading taken the second of a sample measures nothing');
  });

  it('keeps the fraction of a latency axis label', () => {
    const latency = renderChart(card({ unit: 'seconds', points: [{ from: 980, at: 990, value: 0.004 }] }), frame).value;
    assert.deepEqual([...latency.matchAll(/class="axis"[^>]*>([^<]+ms)<\/text>/g)].map((match) => match[1]), ['0 ms', '2.5 ms', '5 ms']);
    const slow = renderChart(card({ unit: 'seconds', points: [{ from: 980, at: 990, value: 4 }] }), frame).value;
    assert.match(slow, />2\.5 s<\/text>/);
  });
});
