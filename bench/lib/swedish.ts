/**
 * Realistic-looking Swedish POS data for the generator: amounts in öre, sale times inside opening
 * hours (07–22 Europe/Stockholm) with a lunch peak 11–15, weekday rhythm and varied feedback texts.
 * Everything draws from a seeded PRNG so a given --seed reproduces the same data set.
 */

/** mulberry32: small, fast, good enough for synthetic data; not for anything secret. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 16 pseudo-random bytes as hex pairs (fast; not for secrets). */
function randomHexBytes(rng: Rng, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(HEX[Math.floor(rng() * 256)]!);
  return out;
}

const uuidFrom = (b: string[]) => `${b.slice(0, 4).join('')}-${b.slice(4, 6).join('')}-${b.slice(6, 8).join('')}-${b.slice(8, 10).join('')}-${b.slice(10, 16).join('')}`;

/** A UUIDv7 (the server's key format) for a given creation time, with PRNG randomness: fast and time-ordered. */
export function uuidV7At(ms: number, rng: Rng): string {
  const b = randomHexBytes(rng, 16);
  const ts = Math.floor(ms).toString(16).padStart(12, '0');
  for (let i = 0; i < 6; i++) b[i] = ts.slice(i * 2, i * 2 + 2);
  b[6] = `7${b[6]![1]}`;
  b[8] = HEX[(parseInt(b[8]!, 16) & 0x3f) | 0x80]!;
  return uuidFrom(b);
}

/** A UUIDv4-shaped id from the PRNG (Zettle purchase UUIDs in seeded data). */
export function uuidV4(rng: Rng): string {
  const b = randomHexBytes(rng, 16);
  b[6] = `4${b[6]![1]}`;
  b[8] = HEX[(parseInt(b[8]!, 16) & 0x3f) | 0x80]!;
  return uuidFrom(b);
}

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
export const randInt = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

function normal(rng: Rng): number {
  // Box–Muller; 1 - rng() avoids log(0).
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

export const logNormal = (rng: Rng, median: number, sigma: number): number => median * Math.exp(sigma * normal(rng));

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * A card purchase in öre. Mostly 29–450 kr (coffee, lunch, groceries), now and then larger.
 * Prices end like Swedish shelf prices: whole kronor, ,50 or ,90, sometimes any öre (weighed goods).
 */
export function swedishAmountMinor(rng: Rng): number {
  const r = rng();
  let kronor: number;
  if (r < 0.62) kronor = clamp(logNormal(rng, 68, 0.45), 29, 150);
  else if (r < 0.95) kronor = clamp(logNormal(rng, 215, 0.3), 150, 450);
  else kronor = clamp(logNormal(rng, 750, 0.55), 450, 4500);
  const whole = Math.floor(kronor);
  const ending = rng();
  if (ending < 0.55) return whole * 100;
  if (ending < 0.75) return whole * 100 + 50;
  if (ending < 0.85) return (whole - 1) * 100 + 90;
  return whole * 100 + randInt(rng, 0, 99);
}

/** Relative sales per opening hour, 07:00–22:00 local time; the lunch peak 11–15 dominates. */
const HOURLY_WEIGHT: Record<number, number> = { 7: 1.1, 8: 1.4, 9: 0.9, 10: 1.0, 11: 2.6, 12: 3.6, 13: 3.3, 14: 2.4, 15: 1.3, 16: 1.2, 17: 1.5, 18: 1.3, 19: 0.8, 20: 0.5, 21: 0.3 };
export const OPENING_HOUR = 7;
export const CLOSING_HOUR = 22;

/** Cumulative weight per minute of the opening day, sampled by binary search. */
const MINUTE_CDF: Float64Array = (() => {
  const minutes = (CLOSING_HOUR - OPENING_HOUR) * 60;
  const cdf = new Float64Array(minutes);
  let sum = 0;
  for (let m = 0; m < minutes; m++) {
    sum += HOURLY_WEIGHT[OPENING_HOUR + Math.floor(m / 60)] ?? 0;
    cdf[m] = sum;
  }
  for (let m = 0; m < minutes; m++) cdf[m]! /= sum;
  return cdf;
})();

/** Seconds after local midnight of one sale, inside opening hours, following HOURLY_WEIGHT. */
export function saleSecondOfDay(rng: Rng): number {
  const u = rng();
  let lo = 0;
  let hi = MINUTE_CDF.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (MINUTE_CDF[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return (OPENING_HOUR * 60 + lo) * 60 + rng() * 60;
}

/** Monday … Sunday: Fridays and Saturdays are busiest, Sundays quietest. */
export const WEEKDAY_WEIGHT = [0.9, 0.95, 1.0, 1.05, 1.2, 1.3, 0.8];

function lastSundayUtc(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
}

/**
 * Stockholm's UTC offset in hours at a UTC instant (EU rule: summer time from the last Sunday of
 * March 01:00 UTC to the last Sunday of October 01:00 UTC). The switch happens at night, outside
 * opening hours, so one offset per day is exact for sale times.
 */
export function stockholmOffsetHours(utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear();
  return utcMs >= lastSundayUtc(year, 2) && utcMs < lastSundayUtc(year, 9) ? 2 : 1;
}

/** UTC epoch ms of local midnight (Europe/Stockholm) for the local calendar day `daysAgo` before `now`. */
export function stockholmMidnightUtc(now: Date, daysAgo: number): { midnightUtcMs: number; weekday: number } {
  const offset = stockholmOffsetHours(now.getTime());
  const local = new Date(now.getTime() + offset * 3_600_000);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const d = local.getUTCDate() - daysAgo;
  const noonUtc = Date.UTC(y, m, d, 12);
  const dayOffset = stockholmOffsetHours(noonUtc);
  const midnightUtcMs = Date.UTC(y, m, d) - dayOffset * 3_600_000;
  const weekday = (new Date(Date.UTC(y, m, d)).getUTCDay() + 6) % 7; // 0 = Monday
  return { midnightUtcMs, weekday };
}

const NAMES = ['Anna', 'Erik', 'Sara', 'Johan', 'Maja', 'Oskar', 'Elin', 'Ahmed', 'Lina', 'Nils', 'Fatima', 'Karin', 'Lars', 'Ebba', 'Mehmet', 'Sofia'];
const ORDERS = [
  'Jag köpte en cappuccino och en kanelbulle',
  'Vi åt dagens lunch, en kycklinggryta med ris',
  'Jag handlade frukt, bröd och mjölk efter jobbet',
  'Jag beställde en räksmörgås och en lättöl',
  'Vi köpte en födelsedagspresent och slog in den i butiken',
  'Jag tog en vegetarisk pasta och en kaffe till',
  'Jag köpte ett par löparskor',
  'Jag hämtade ut en beställning och köpte lite godis',
  'Jag åt en toast och drack en latte med havremjölk',
  'Vi köpte fika till kontoret, sex bullar och en tårta',
];
const STAFF = [
  '{n} i kassan var väldigt trevlig och förklarade skillnaden mellan alternativen.',
  '{n} hjälpte mig att hitta rätt storlek och tog sig tid trots att det var mycket folk.',
  'Personalen var stressad men {n} hälsade ändå och var vänlig.',
  '{n} kom ihåg min beställning från förra veckan, det uppskattade jag.',
  'Jag fick ingen hjälp när jag frågade, {n} verkade upptagen med annat.',
];
const OBSERVATIONS = [
  'Kaffet var perfekt tempererat men bullen var lite torr, troligen från igår.',
  'Maten var god och portionen rejäl, men salladsbaren såg rörig ut.',
  'Det var rent och fräscht i lokalen och bra musik på lagom nivå.',
  'Priset kändes högt jämfört med kvaliteten på smörgåsen.',
  'Hyllorna med mejeriprodukter var halvtomma vid lunchtid.',
  'Toaletten var ostädad och det saknades papper.',
  'Det var svårt att hitta veganska alternativ i montern.',
  'Kortterminalen krånglade och jag fick försöka tre gånger.',
  'Skyltningen vid entrén var tydlig och kampanjen var lätt att förstå.',
  'Det drog kallt från dörren där vi satt.',
];
const SUGGESTIONS = [
  'Det vore bra om ni märkte upp vilka bullar som är nybakade.',
  'Öppna gärna en kassa till när kön växer.',
  'Ni kunde erbjuda påfyllning av kaffe till lunchgäster.',
  'Fler sittplatser vid fönstret skulle göra stor skillnad.',
  'Skriv gärna ut allergener tydligare på menyn.',
  'En stämpelkort för kaffe hade fått mig att komma oftare.',
];

/** A varied, plausible Swedish feedback text (150–450 characters) so fraud's duplicate check sees distinct texts. */
export function feedbackText(rng: Rng): string {
  const minutes = randInt(rng, 2, 18);
  const hour = randInt(rng, 8, 20);
  const parts = [
    `${pick(rng, ORDERS)} vid ${hour}-tiden.`,
    pick(rng, STAFF).replace('{n}', pick(rng, NAMES)),
    pick(rng, OBSERVATIONS),
    rng() < 0.6 ? pick(rng, OBSERVATIONS) : '',
    `Kön tog ungefär ${minutes} minuter${rng() < 0.5 ? ' eftersom bara en kassa var öppen' : ''}.`,
    pick(rng, SUGGESTIONS),
  ];
  return parts.filter(Boolean).join(' ');
}

/** A Swedish mobile number (07x-xxx xx xx) for the Swish payout step. */
export function swedishMobile(rng: Rng): string {
  const series = pick(rng, ['70', '72', '73', '76', '79']);
  return `0${series}-${randInt(rng, 100, 999)} ${randInt(rng, 10, 99)} ${randInt(rng, 10, 99)}`;
}

/** "123,45" — how a Swedish customer types an amount from the receipt. */
export const formatSek = (minor: number): string => `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, '0')}`;

/** A valid organisationsnummer in the 556… aktiebolag series (Luhn check digit). */
export function orgNumber(rng: Rng): string {
  const body = `556${String(randInt(rng, 0, 999_999)).padStart(6, '0')}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return `${body.slice(0, 6)}-${body.slice(6)}${(10 - (sum % 10)) % 10}`;
}

export const SHOP_NAMES = ['Kafé Linnea', 'Bageriet Sju Sorter', 'Matbutiken Söder', 'Restaurang Ankaret', 'Sportbutiken', 'Konditori Kronan', 'Lunchbaren', 'Hemköket', 'Presentboden', 'Fiket vid Torget'];
export const STREETS = ['Drottninggatan', 'Storgatan', 'Kungsgatan', 'Östra Hamngatan', 'Västra Långgatan', 'Sveavägen', 'Järntorget', 'Stora Torget'];
export const CITIES = ['Stockholm', 'Göteborg', 'Malmö', 'Uppsala', 'Västerås', 'Örebro', 'Linköping', 'Umeå'];
