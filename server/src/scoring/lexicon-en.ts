/** English word lists for the embedded scorer. Lower-case; apostrophes normalised to "'". */

export const EN_STOPWORDS = new Set(
  `the a an and or but of to in on at for with by from as is are was were be been being have
  has had do does did not no so if then than that this these those there here it its they them
  their he she his her we us our you your i me my mine it's i'm i've i'd we're they're what
  which who whom when where why how all any some each every both few more most other such only
  own same too very can could will would shall should may might must just also about into over
  after before again once under up down out off again further am don't didn't doesn't isn't
  wasn't weren't won't can't couldn't wouldn't shouldn't yes yeah ok um uh like kind sort really
  because though although while whereas however still even`.split(/\s+/).filter(Boolean),
);

/** Common English content words (dictionary evidence). */
export const EN_COMMON = new Set(
  `store shop place visit time day today yesterday customer customers staff service food coffee
  buy bought order ordered pay paid cost costs price prices quality worked work find found looked
  waited wait came went stood sat took saw noticed asked got had ate drank tried tested think
  thought felt feel seems seemed helped help made make said told experience thing things table
  tables chair door sign week weekend morning evening lunch dinner minutes hour hours back
  recommend size first last long short big small little new old whole half order problem issue
  wrong right suggestion wish missing miss everything something nothing anything everyone people
  person guy lady woman man manager minute while lot bit again always never sometimes usually`.split(/\s+/).filter(Boolean),
);

export const EN_SENTIMENT: Record<string, number> = {
  good: 2, great: 3, excellent: 3, amazing: 3, awesome: 3, fantastic: 3, perfect: 3, perfectly: 2,
  lovely: 2, nice: 1, friendly: 2, helpful: 2, fresh: 1, clean: 1, tidy: 1, tasty: 2,
  delicious: 3, cozy: 2, cosy: 2, quick: 1, quickly: 1, fast: 1, efficient: 1, recommend: 2,
  love: 3, loved: 3, best: 3, happy: 2, pleased: 2, impressed: 2, welcoming: 2, attentive: 2,
  polite: 2, outstanding: 3, wonderful: 3, enjoyed: 2, enjoy: 2, smooth: 1, kind: 1, fine: 1,
  worth: 1, value: 1, gracefully: 2, apologetic: 1, fluffy: 1, moist: 1,
  rich: 1, highlight: 2, magical: 3, superb: 3, brilliant: 3, reliable: 1, easy: 1,
  bad: -2, terrible: -3, awful: -3, horrible: -3, poor: -2, rude: -3, slow: -2, dirty: -2,
  disgusting: -3, lukewarm: -1, dry: -1, burnt: -2, stale: -2, expensive: -1, overpriced: -2,
  pricey: -1, broken: -2, disappointing: -2, disappointed: -2, annoyed: -2, annoying: -2,
  frustrating: -2, frustrated: -2, worst: -3, unfriendly: -2, messy: -1, crowded: -1,
  loud: -1, noisy: -1, sticky: -1, problem: -1, issue: -1, unfortunately: -1, sadly: -1,
  missing: -1, wrong: -1, mistake: -1, complaint: -1, late: -1, waste: -2, nightmare: -3,
  shame: -1, forgot: -1, cold: -1, outdated: -1, exposed: -1, downside: -1, bland: -1,
  collapsed: -1, surprising: -1, average: -1, limited: -1, mediocre: -2, filthy: -3,
  soggy: -1, greasy: -1, confusing: -1, useless: -2, cramped: -1,
};

export const EN_NEGATORS = new Set([
  'not', 'no', 'never', 'none', 'nothing', 'without', 'hardly', 'barely', 'neither', 'nor',
  "don't", "didn't", "doesn't", "isn't", "wasn't", "weren't", "won't", "can't", "couldn't",
  "wouldn't", "shouldn't", "aren't", "haven't", "hasn't", 'dont', 'didnt', 'doesnt', 'isnt',
  'wasnt', 'werent', 'wont', 'cant', 'couldnt', 'wouldnt', 'cannot',
]);
export const EN_INTENSIFIERS = new Set(['very', 'really', 'so', 'extremely', 'super', 'incredibly', 'absolutely', 'truly', 'too', 'totally', 'completely']);

export const EN_FIRST_PERSON = new Set(['i', 'we', 'my', 'me', 'our', 'us', 'mine', 'ours', "i'm", "i've", "i'd", "we're", "we've", "i'll"]);
export const EN_EXPERIENCE_VERBS = new Set(
  `bought ordered got ate drank waited asked tried tested shopped found visited sat stood paid
  came went looked returned booked took noticed had saw needed wanted told mentioned drove
  chose picked spent called left used checked scanned`.split(/\s+/).filter(Boolean),
);

export const EN_REASON_MARKERS = [
  'because', 'since', 'so that', 'but', 'however', 'although', 'though', 'therefore', 'due to',
  'which meant', 'which made', 'otherwise', 'whereas', 'despite', 'as a result', 'by contrast',
  'which is', 'so i', 'so we', 'so my',
];

export const EN_SUGGESTION_PHRASES = [
  'you should', 'you could', 'you need to', 'you might', 'would be nice', 'would be great',
  'would be better', 'would help', 'would fix', 'would save', 'would be a great', 'i suggest',
  "i'd suggest", 'suggestion', 'i wish', "i'd love", 'i would love', 'maybe you', 'perhaps you',
  'consider', 'could you', 'why not', "it'd be", 'needs to', 'need to', 'should be',
  'improvement', 'it would be', 'would love to see', 'i recommend that',
];

export const EN_IMPERATIVES = new Set(
  `please add offer put check open update train label consider make keep hire move lower turn
  warm clean fix try bring schedule stop let use`.split(/\s+/).filter(Boolean),
);

export const EN_COMPARISON_PHRASES = [
  'compared to', 'compared with', 'than last', 'than usual', 'usually', 'last time', 'used to',
  'than before', 'previous', 'than at', 'cheaper than', 'better than', 'worse than',
  'more than', 'by contrast', "hasn't happened before", 'than last week',
];

export const EN_GENERIC_TERMS = new Set(
  `good great nice fine ok okay amazing awesome excellent perfect lovely love best fantastic
  recommend would thanks thank everything all bad terrible awful horrible worst poor not worth
  experience ever guess place shop store really overall`.split(/\s+/).filter(Boolean),
);

export const EN_NUMBER_WORDS = ['a', 'an', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'fifteen', 'twenty', 'thirty', 'forty', 'half an', 'a few', 'few'];
