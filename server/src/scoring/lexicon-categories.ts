import type { FeedbackCategory } from './types.js';

/**
 * Category keywords (Swedish + English). Single words are matched with the inflection-aware
 * matcher in text.ts; entries with a space are matched as phrases. 'other' has no keywords:
 * it is the fallback when meaningful text mentions none of these.
 */
export const CATEGORY_KEYWORDS: Record<Exclude<FeedbackCategory, 'other'>, string[]> = {
  service: [
    'service', 'bemötande', 'bemött', 'hjälp', 'hjälpte', 'hjälpsam', 'hjälpsamma', 'kundservice',
    'välkomnande', 'råd', 'tillmötesgående', 'helped', 'help', 'helpful', 'attentive', 'served',
    'customer service', 'assistance', 'welcoming', 'advice', 'refund', 'reservation', 'booking',
  ],
  staff: [
    'personal', 'personalen', 'kassörska', 'kassörskan', 'kassör', 'kassören', 'servitör', 'servitris',
    'servitören', 'servitrisen', 'servitörerna', 'barista', 'baristan', 'expedit', 'expediten', 'säljare',
    'säljaren', 'anställd', 'anställda', 'kock', 'kocken', 'butikschef', 'killen', 'tjejen', 'ägaren',
    'staff', 'employee', 'employees', 'waiter', 'waitress', 'waiters', 'server', 'cashier', 'chef',
    'manager', 'owner', 'bartender', 'shop assistant', 'the guy', 'the lady',
  ],
  product: [
    'produkt', 'produkter', 'produkten', 'varor', 'varorna', 'mat', 'maten', 'rätt', 'rätten',
    'rätter', 'rätterna', 'meny', 'menyn', 'product', 'products', 'item', 'items', 'food', 'dish',
    'dishes', 'meal', 'menu',
  ],
  quality: [
    'kvalitet', 'kvaliteten', 'fräsch', 'fräscha', 'fräscht', 'färsk', 'färska', 'mögel', 'smak',
    'smaken', 'smakade', 'torr', 'torra', 'ljummen', 'bränd', 'sönder', 'trasig', 'trasiga',
    'hållbar', 'ofräsch', 'mört', 'krispig', 'quality', 'fresh', 'stale', 'taste', 'tasted',
    'tasty', 'delicious', 'dry', 'burnt', 'lukewarm', 'mould', 'mold', 'broke', 'broken', 
    'expired', 'ripe', 'homemade', 'cooked',
  ],
  price: [
    'pris', 'priset', 'priser', 'priserna', 'dyr', 'dyrt', 'dyra', 'billig', 'billigt', 'billiga',
    'kronor', 'prisvärd', 'prisvärt', 'erbjudande', 'erbjudanden', 'rea', 'rean', 'rabatt', 'kostar',
    'kostade', 'betalade', 'pengarna', 'price', 'prices', 'expensive', 'cheap', 'cheaper', 'cost',
    'costs', 'paid', 'value', 'offer', 'offers', 'discount', 'sale', 'overpriced', 'affordable',
    'pricey', 'price tags', 'prislapp', 'prislappar',
  ],
  waiting_time: [
    'kö', 'kön', 'köer', 'kön', 'vänta', 'väntade', 'väntan', 'väntetid', 'väntetiden', 'snabbt',
    'långsam', 'långsamt', 'dröjde', 'försening', 'förseningen', 'wait', 'waited', 'waiting', 'queue',
    'queues', 'slow', 'quick', 'quickly', 'delay', 'delayed', 'took ages', 
  ],
  cleanliness: [
    'ren', 'rent', 'rena', 'smutsig', 'smutsigt', 'smutsiga', 'städat', 'städad', 'ostädat', 'ostädad',
    'skräp', 'hygien', 'kladdig', 'kladdigt', 'fläckig', 'damm', 'toalett', 'toaletten', 'clean',
    'dirty', 'tidy', 'untidy', 'filthy', 'sticky', 'crumbs', 'hygiene', 'dust', 'spotless',
    'rubbish', 'trash', 'bin', 'soap', 'restroom', 'wiped',
  ],
  atmosphere: [
    'atmosfär', 'atmosfären', 'stämning', 'stämningen', 'miljö', 'miljön', 'mysig', 'mysigt', 'musik',
    'musiken', 'ljud', 'ljudnivå', 'ljudnivån', 'högljutt', 'lugnt', 'trångt', 'trång', 'belysning',
    'inredning', 'utsikt', 'volymen', 'atmosphere', 'vibe', 'cozy', 'cosy', 'music', 'loud', 'noisy',
    'quiet', 'crowded', 'decor', 'lighting', 'view', 'ambience', 'ambiance', 'cramped', 
  ],
  selection: [
    'sortiment', 'sortimentet', 'utbud', 'utbudet', 'urval', 'urvalet', 'saknade', 'saknas', 'saknades',
    'saknar', 'storlek', 'storlekar', 'storleken', 'alternativ', 'variation', 'hittade', 'hitta',
    'välsorterad', 'selection', 'range', 'variety', 'choice', 'options', 'option', 'missing',
    'out of stock', 'sold out', 'find', 'found', 'sizes', 'size', 'stock', 'organic',
  ],
  accessibility: [
    'tillgänglighet', 'tillgänglig', 'tillgängligt', 'rullstol', 'rullstolsburen', 'barnvagn',
    'barnvagnsparkeringen', 'ramp', 'tröskel', 'hiss', 'trappa', 'trappor', 'parkering', 'parkeringen',
    'handikapp', 'synskadad', 'öppettider', 'skötbord', 'skötbädd', 'accessibility', 'accessible',
    'wheelchair', 'pram', 'stroller', 'stairs', 'lift', 'elevator', 'parking', 'disabled',
    'opening hours', 
  ],
};
