/**
 * Location plausibility for claims made from one device/phone: how far apart the
 * stores are, and whether the purchases could have been made by one person.
 * Use PURCHASE times (not claim times): the purchases are what must happen in person.
 */
import { makeSignal, type RiskSignal } from './signals.js';
import { ramp } from './math.js';

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface TimedPoint extends GeoPoint {
  /** Epoch milliseconds. */
  at: number;
}

const EARTH_RADIUS_KM = 6371.0088;
const toRad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance in km (haversine). */
export function haversineKm(a: GeoPoint, b: GeoPoint): number {
  const dLat = toRad(b.lat - a.lat);
  const dLon = toRad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Neighbouring stores in one town are normal; "far apart" starts at a different town. */
export const FAR_APART_KM = 25;

/** How many of `others` are at least `minKm` from `current` (input for instantClaimSignal). */
export function countFarApart(current: GeoPoint, others: readonly GeoPoint[], minKm = FAR_APART_KM): number {
  return others.filter((p) => haversineKm(current, p) >= minKm).length;
}

/**
 * Implied speed between two purchases in km/h (Infinity when far apart at the same
 * instant). Stores within MIN_TRAVEL_KM count as the same place (speed 0).
 */
export const MIN_TRAVEL_KM = 10;
export function impliedSpeedKmh(a: TimedPoint, b: TimedPoint): number {
  const km = haversineKm(a, b);
  if (km < MIN_TRAVEL_KM) return 0;
  const hours = Math.abs(b.at - a.at) / 3_600_000;
  return hours === 0 ? Infinity : km / hours;
}

/**
 * Door to door, nothing in Sweden beats ~250 km/h between two shops (X2000 averages
 * ~130 km/h; a Stockholm–Göteborg flight with airport time ~150 km/h). The strength
 * ramps from 0 at 250 km/h to 0.9 at 600 km/h ("bought in Malmö and Stockholm
 * within the hour" is one person using someone else's receipts).
 */
export const PLAUSIBLE_SPEED_KMH = 250;
export const IMPOSSIBLE_SPEED_KMH = 600;

/** Worst (fastest) implied speed over consecutive purchases, sorted by time. */
export function maxImpliedSpeedKmh(points: readonly TimedPoint[]): number {
  const sorted = [...points].sort((p, q) => p.at - q.at);
  let worst = 0;
  for (let i = 1; i < sorted.length; i++) worst = Math.max(worst, impliedSpeedKmh(sorted[i - 1]!, sorted[i]!));
  return worst;
}

export function impossibleTravelSignal(speedKmh: number): RiskSignal {
  const speed = Number.isNaN(speedKmh) ? 0 : Math.max(0, speedKmh);
  const shown = Number.isFinite(speed) ? `${Math.round(speed)} km/h` : '∞ km/h';
  return makeSignal(
    'impossible_travel',
    0.9 * ramp(speed, PLAUSIBLE_SPEED_KMH, IMPOSSIBLE_SPEED_KMH),
    {
      sv: `Köpen skulle kräva en resa på ${shown} mellan butikerna.`,
      en: `The purchases would require travelling at ${shown} between the stores.`,
    },
    { speedKmh: Number.isFinite(speed) ? speed : null },
  );
}
