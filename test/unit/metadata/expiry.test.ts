import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EXPIRY_SECONDS,
  defaultExpiry,
  expiryAfter,
  expiryFromEpochNs,
  formatRfc3339Nano,
  isExpired,
  parseExpiry,
  toEpochNs,
} from '../../../src/metadata/index.js';
import { expectCode } from './fixtures.js';

const S = 1_000_000_000n;

describe('parseExpiry', () => {
  it('keeps nanoseconds exactly and the original text', () => {
    const e = parseExpiry('2036-11-20T07:03:13.313162097Z');
    expect(e.text).toBe('2036-11-20T07:03:13.313162097Z');
    expect(e.epochNs).toBe(BigInt(Date.UTC(2036, 10, 20, 7, 3, 13)) * 1_000_000n + 313_162_097n);
  });

  it('accepts any fraction length from 1 to 9 digits', () => {
    const base = BigInt(Date.UTC(2029, 10, 22, 7, 6, 38)) * 1_000_000n;
    expect(parseExpiry('2029-11-22T07:06:38Z').epochNs).toBe(base);
    expect(parseExpiry('2029-11-22T07:06:38.5Z').epochNs).toBe(base + 500_000_000n);
    expect(parseExpiry('2029-11-22T07:06:38.25488Z').epochNs).toBe(base + 254_880_000n);
    expect(parseExpiry('2029-11-22T07:06:38.33786244Z').epochNs).toBe(base + 337_862_440n);
    expect(parseExpiry('2029-11-22T07:06:38.000000001Z').epochNs).toBe(base + 1n);
  });

  it('applies UTC offsets', () => {
    const kolkata = parseExpiry('2029-11-22T12:35:48.516432186+05:30');
    expect(kolkata.epochNs).toBe(parseExpiry('2029-11-22T07:05:48.516432186Z').epochNs);
    expect(parseExpiry('2015-07-01T10:00:00-08:00').epochNs).toBe(parseExpiry('2015-07-01T18:00:00Z').epochNs);
    expect(parseExpiry('2015-07-01T18:00:00-00:00').epochNs).toBe(parseExpiry('2015-07-01T18:00:00Z').epochNs);
    expect(parseExpiry('2015-07-01T00:30:00+23:59').epochNs).toBe(parseExpiry('2015-06-30T00:31:00Z').epochNs);
  });

  it('handles leap years and dates before 1970', () => {
    expect(parseExpiry('2024-02-29T00:00:00Z').epochNs).toBe(BigInt(Date.UTC(2024, 1, 29)) * 1_000_000n);
    expect(parseExpiry('2000-02-29T23:59:59Z').epochNs).toBe(BigInt(Date.UTC(2000, 1, 29, 23, 59, 59)) * 1_000_000n);
    expect(parseExpiry('1969-12-31T23:59:59.5Z').epochNs).toBe(-500_000_000n);
    expect(parseExpiry('0000-01-01T00:00:00Z').epochNs).toBe(-62167219200n * S);
  });

  const bad = [
    '2030-02-30T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2030-04-31T00:00:00Z',
    '2030-13-01T00:00:00Z',
    '2030-00-01T00:00:00Z',
    '2030-01-00T00:00:00Z',
    '2030-01-01T24:00:00Z',
    '2030-01-01T23:60:00Z',
    '2030-01-01T23:59:60Z',
    '2030-01-01T00:00:00+24:00',
    '2030-01-01T00:00:00+05:60',
    '2030-01-01T00:00:00.1234567891Z',
    '2030-01-01T00:00:00.Z',
    '2030-01-01T00:00:00',
    '2030-01-01 00:00:00Z',
    '2030-01-01t00:00:00Z',
    '2030-01-01T00:00:00z',
    '2030-1-01T00:00:00Z',
    '+2030-01-01T00:00:00Z',
    '2030-01-01T00:00:00+0530',
    '2030-01-01T00:00:00+05',
    ' 2030-01-01T00:00:00Z',
    '2030-01-01T00:00:00Z\n',
    '',
  ];
  for (const text of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      expectCode(() => parseExpiry(text, 'targets'), 'INVALID_METADATA', { role: 'targets', field: 'expires' });
    });
  }
});

describe('formatRfc3339Nano (Go RFC3339Nano, UTC)', () => {
  it('trims trailing zeros and omits a zero fraction', () => {
    const base = BigInt(Date.UTC(2029, 10, 22, 7, 6, 38)) * 1_000_000n;
    expect(formatRfc3339Nano(base)).toBe('2029-11-22T07:06:38Z');
    expect(formatRfc3339Nano(base + 520_182_550n)).toBe('2029-11-22T07:06:38.52018255Z');
    expect(formatRfc3339Nano(base + 1n)).toBe('2029-11-22T07:06:38.000000001Z');
    expect(formatRfc3339Nano(base + 100_000_000n)).toBe('2029-11-22T07:06:38.1Z');
  });

  it('formats before 1970 and at the edges of 0000–9999', () => {
    expect(formatRfc3339Nano(-1n)).toBe('1969-12-31T23:59:59.999999999Z');
    expect(formatRfc3339Nano(-62167219200n * S)).toBe('0000-01-01T00:00:00Z');
    expect(formatRfc3339Nano(253402300799n * S + 999_999_999n)).toBe('9999-12-31T23:59:59.999999999Z');
    expect(() => formatRfc3339Nano(253402300800n * S)).toThrow(RangeError);
    expect(() => formatRfc3339Nano(-62167219201n * S)).toThrow(RangeError);
  });

  it('round-trips through parseExpiry', () => {
    for (const ns of [0n, 1n, -1n, 1_700_000_000_123_456_789n, 2_000_000_000_000_000_000n, -86_400n * S * 365n]) {
      expect(parseExpiry(formatRfc3339Nano(ns)).epochNs).toBe(ns);
    }
    const e = expiryFromEpochNs(5n);
    expect(e).toEqual({ text: '1970-01-01T00:00:00.000000005Z', epochNs: 5n });
  });
});

describe('expiry checks against an injected now', () => {
  const e = parseExpiry('2030-01-01T00:00:00.000000001Z');
  it('expired at or after the expiry instant, as the verifier decides (Go is one instant laxer)', () => {
    expect(isExpired(e, e.epochNs)).toBe(true);
    expect(isExpired(e, e.epochNs - 1n)).toBe(false);
    expect(isExpired(e, e.epochNs + 1n)).toBe(true);
    // A Date has millisecond precision: 00:00:00.000 is before the nanosecond expiry.
    expect(isExpired(e, new Date('2030-01-01T00:00:00.000Z'))).toBe(false);
    expect(isExpired(e, new Date('2030-01-01T00:00:00.001Z'))).toBe(true);
  });

  it('toEpochNs and default lifetimes', () => {
    expect(toEpochNs(new Date(1500))).toBe(1_500_000_000n);
    expect(() => toEpochNs(new Date(Number.NaN))).toThrow(RangeError);
    const now = new Date('2026-11-23T07:03:13.313Z');
    expect(defaultExpiry('root', now).text).toBe('2036-11-20T07:03:13.313Z');
    expect(defaultExpiry('targets/releases', now).epochNs).toBe(
      toEpochNs(now) + BigInt(DEFAULT_EXPIRY_SECONDS.targets) * S,
    );
    expect(defaultExpiry('timestamp', now).text).toBe('2026-12-07T07:03:13.313Z');
    expect(defaultExpiry('snapshot', 0n).text).toBe('1972-12-31T00:00:00Z');
    expect(() => defaultExpiry('mirror', now)).toThrow(RangeError);
    expect(expiryAfter(0n, 1).text).toBe('1970-01-01T00:00:01Z');
  });
});
