import { normalizeText, splitSegments, type Segment } from './text.js';

/**
 * Prompt-injection detector (sv + en). Feedback is untrusted data: any attempt to talk to the
 * scorer ("ignore the instructions", "score: 100", role tags) is flagged, and blanked out so
 * that it never reaches categories, summaries or the LLM's judgement of the rest; the score
 * itself is forfeited (see breakdown.ts).
 */
export interface InjectionResult {
  detected: boolean;
  /** Names of the patterns that fired (for logs and tests, never shown to customers). */
  patterns: string[];
  /** The text with every attempt blanked out to the end of its sentence (other characters untouched). */
  cleanedText: string;
}

const GAP = '[^.!?\\n]{0,60}';
/** Spaces in a pattern match any run of whitespace, so "du  är   nu" cannot slip past. */
const rx = (source: string) => new RegExp(source.replace(/ /g, '\\s+'), 'iu');

/** Each pattern is tested on one normalised sentence (or two adjacent ones) at a time. */
/** Words that may stand between a verb and the demanded score: "give this feedback a score of 100". */
const EN_FILLER = '(?:(?:this|it|me|the|my|feedback|review|response|answer|text|customer|score|rating|a|an|of|to|as|all|points?)\\s+){0,6}';
const SV_FILLER = '(?:(?:detta|det|här|denna|den|mitt|min|mig|kunden|svaret|svar|feedbacken|texten|omdömet|recensionen|poängen|betyget|till|ett|en)\\s+){0,5}';
const NOT_MONEY = '(?!\\s*(?:%|kr|kronor|sek|:-|procent|percent))';

/** Each pattern is tested on one normalised sentence (or two adjacent ones) at a time. */
export const INJECTION_PATTERNS: { name: string; pattern: RegExp }[] = [
  {
    name: 'ignore_instructions_en',
    pattern: rx(`\\b(?:ignore|disregard|forget|override|bypass)\\b${GAP}\\b(?:instructions?|rules?|prompts?|guidelines|rubric|directions|scoring|system|above)\\b`),
  },
  {
    name: 'ignore_instructions_sv',
    pattern: rx(`(?<!\\p{L})(?:ignorera|strunta i|glöm(?!\\s+inte)|bortse från|åsidosätt)(?!\\p{L})${GAP}(?<!\\p{L})(?:instruktion\\p{L}*|regl\\p{L}*|regel|prompt\\p{L}*|riktlinje\\p{L}*|systemet|poängsättning\\p{L}*|bedömning\\p{L}*)`),
  },
  {
    name: 'demand_score_en',
    pattern: rx(`\\b(?:give|rate|score|set|assign|mark|return|output|award)\\s+${EN_FILLER}(?:100\\b${NOT_MONEY}|hundred\\b|full marks|max(?:imum)?\\b|highest\\b|perfect score|top score)`),
  },
  {
    name: 'demand_score_sv',
    pattern: rx(`(?<!\\p{L})(?:ge|sätt|sätta|betygsätt|returnera|skriv|tilldela)\\s+${SV_FILLER}(?:100(?!\\d)${NOT_MONEY}|hundra|full pott|full poäng|fullt betyg|högsta (?:betyg|poäng\\p{L}*|möjliga)|max(?:imal|imalt|imala)?\\s+(?:poäng|betyg|återbäring|cashback)|toppbetyg)`),
  },
  // Only values on our 0–100 scale (20–100): "Betyg: 5/5" or "Rating: 10/10" is an ordinary star rating.
  { name: 'score_assignment', pattern: rx(`(?:^|[^\\p{L}])(?:score|rating|grade|betyg|poäng|poängen|authenticity|concreteness|depth)["']?\\s*[:=]\\s*["']?\\s*(?:100|[2-9]\\d)(?!\\d)`) },
  { name: 'json_score_key', pattern: rx(`"(?:score|authenticity|concreteness|depth|betyg)"\\s*:`) },
  { name: 'role_label', pattern: rx(`(?:^|[^\\p{L}])(?:system|assistant|developer|user|assistent)\\s*:`) },
  { name: 'role_tag', pattern: rx(`<\\|?\\s*/?\\s*(?:system|assistant|user|im_start|im_end|endoftext|s|inst|feedback)\\b[^>]{0,40}>|\\[/?inst\\]|<</?sys>>|#{2,}\\s*(?:system|instruction|instructions|assistant|user)`) },
  { name: 'persona_en', pattern: rx(`\\b(?:you are now|act as|pretend (?:to be|you are)|developer mode|jailbreak|new instructions|as the (?:system|grader))\\b`) },
  { name: 'persona_sv', pattern: rx(`(?<!\\p{L})(?:du är nu|du är en ai|agera som|låtsas att du|nya instruktioner|utvecklarläge)(?!\\p{L})`) },
  { name: 'mark_authentic', pattern: rx(`(?<!\\p{L})(?:mark|flag|label|markera|skriv|ange|classify)(?!\\p{L})${GAP}(?<!\\p{L})(?:authentic|genuine|äkta|autentisk\\p{L}*)(?!\\p{L})`) },
  {
    name: 'feedback_deserves_score',
    pattern: rx(`(?<!\\p{L})(?:feedback\\p{L}*|review|response|svar\\p{L}*|omdöme\\p{L}*|recension\\p{L}*|texten)(?!\\p{L})${GAP}(?:deserves|should (?:get|receive)|förtjänar|ska få|bör få)${GAP}(?:100|hundred|hundra|highest|högsta|full|max)`),
  },
];

/**
 * Normalises like normalizeText (NFKC, no zero-width characters, one space per whitespace
 * character) while remembering where each normalised character came from, so a match can be
 * blanked in the original text.
 */
function normalizeWithMap(text: string): { normalized: string; origin: number[] } {
  let normalized = '';
  const origin: number[] = [];
  let offset = 0;
  for (const ch of text) {
    const folded = /\s/u.test(ch) ? ' ' : normalizeText(ch);
    for (let i = 0; i < folded.length; i++) origin.push(offset);
    normalized += folded;
    offset += ch.length;
  }
  origin.push(text.length);
  return { normalized, origin };
}

interface Hit {
  /** Offset in the examined string where the earliest pattern match starts. */
  start: number;
  names: string[];
}

function findHit(text: string): Hit | undefined {
  const { normalized, origin } = normalizeWithMap(text);
  let start = Infinity;
  const names: string[] = [];
  for (const { name, pattern } of INJECTION_PATTERNS) {
    const m = pattern.exec(normalized);
    if (!m) continue;
    names.push(name);
    start = Math.min(start, origin[m.index] ?? 0);
  }
  return names.length > 0 ? { start, names } : undefined;
}

/** Only these words can start an instruction that continues into the next sentence. */
const SPLIT_START = /ignore|disregard|forget|override|bypass|ignorera|strunta|glöm|bortse|åsidosätt|give|rate|score|set|assign|mark|return|output|award|ge|sätt|skriv|tilldela|flag|label|ange|classify|feedback|review|response|svar|omdöme|recension|text/iu;

/**
 * Flags injection per sentence, and per adjacent pair so that splitting an instruction over
 * two lines does not evade detection. Each attempt is blanked from where it starts to the end
 * of its sentence; text before it and every other sentence stay untouched, so appending an
 * attempt to honest feedback leaves exactly that feedback to score.
 */
export function detectInjection(text: string): InjectionResult {
  const segments = splitSegments(text);
  const own = segments.map((seg) => findHit(seg.text));
  const blanks: [number, number][] = [];
  const names = new Set<string>();
  own.forEach((hit, i) => {
    const seg = segments[i];
    if (!hit || !seg) return;
    hit.names.forEach((n) => names.add(n));
    blanks.push([seg.start + hit.start, seg.end]);
  });
  for (let i = 0; i + 1 < segments.length; i++) {
    const seg = segments[i] as Segment;
    const next = segments[i + 1] as Segment;
    if (own[i] || own[i + 1] || !SPLIT_START.test(seg.text)) continue;
    const pair = findHit(`${seg.text} ${next.text}`);
    if (!pair) continue;
    pair.names.forEach((n) => names.add(n));
    const from = pair.start < seg.text.length ? seg.start + pair.start : next.start + (pair.start - seg.text.length - 1);
    blanks.push([from, next.end]);
    i++;
  }
  return { detected: blanks.length > 0, patterns: [...names], cleanedText: blankRanges(text, blanks) };
}

/** Replaces each range with spaces, keeping every other character where it was. */
function blankRanges(text: string, ranges: [number, number][]): string {
  let out = text;
  for (const [from, to] of ranges) out = `${out.slice(0, from)}${' '.repeat(Math.max(0, to - from))}${out.slice(to)}`;
  return out;
}
