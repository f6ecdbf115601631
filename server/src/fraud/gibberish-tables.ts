/**
 * Hand-written Swedish and English letter-bigram tables for the gibberish scorer.
 *
 * Only consonant clusters and vowel pairs are listed: consonant–vowel and
 * vowel–consonant pairs are plausible in both languages (apart from q, which is
 * always followed by u), while keyboard mashing is dominated by consonant pairs
 * that neither language uses ("sd", "kf", "zx", "cv", "wq"). Each pair is
 * "common" (1), "rare" (0.35, e.g. the joints of Swedish compounds: arbets|dag,
 * om|döme, ut|märkt) or absent (0). Word-initial consonant pairs must also be a
 * valid onset ("str", "kv", "hj" but not "sd" or "ng").
 */

export interface BigramTable {
  readonly letters: ReadonlySet<string>;
  readonly vowels: ReadonlySet<string>;
  readonly commonPairs: ReadonlySet<string>;
  readonly rarePairs: ReadonlySet<string>;
  /** Vowel pairs that never occur: scored 0 instead of the default "rare". */
  readonly impossibleVowelPairs: ReadonlySet<string>;
  readonly onsets: ReadonlySet<string>;
}

const words = (list: string): Set<string> => new Set(list.trim().split(/\s+/));
const chars = (list: string): Set<string> => new Set([...list]);

export const SWEDISH: BigramTable = {
  letters: chars('abcdefghijklmnopqrstuvwxyzåäö'),
  vowels: chars('aeiouyåäö'),
  commonPairs: words(`
    bb bl br ch ck dd dj dn dr ds ff fj fl fr ft gd gg gj gl gn gr gs gt hj
    kk kl kn kr ks kt kv lb ld lf lg lj lk ll lm ln lp ls lt lv mb mm mn mp ms mt
    nd ng nk nn ns nt pl pp pr ps pt rb rd rf rg rj rk rl rm rn rp rr rs rt rv
    sj sk sl sm sn sp ss st sv tj tr ts tt tv vs
    au ea eu ia ie io oa ua ue öa`),
  rarePairs: words(`
    bd bj bk bm bs bt bv cc cl cr cs ct db df dg dh dk dl dm dp dt dv dw
    fg fk fm fn fs gb gf gh gk gm gp gv hm hn hr hs ht jd jk jl jn js jt
    kb kd kf kg kh kj km kp lc lh lr lw md mf mg mh mj mk ml mr mv
    nb nc nf nh nj nl nm np nr nv nz pf pj pk pn rc rh rw
    sb sc sd sf sg sh sr sw tb td tf tg th tk tl tm tn tp tw
    vb vd vf vg vh vk vl vm vn vr vt vv wh xk xp xt zz`),
  impossibleVowelPairs: words('åå ää öö åä åö äå äö öå öä yy'),
  onsets: words('bj bl br ch cl cr dj dr fj fl fr gj gl gn gr hj kj kl kn kr kv mj nj pj pl pr ps sc sh sj sk sl sm sn sp st sv sw th tj tr tv vr'),
};

export const ENGLISH: BigramTable = {
  letters: chars('abcdefghijklmnopqrstuvwxyz'),
  vowels: chars('aeiouy'),
  commonPairs: words(`
    bb bl br ch ck cl cr ct dd dr ds ff fl fr ft gg gh gl gn gr gs kn
    ld lf lk ll lm lp ls lt lv mb mm mp ms nc nd ng nk nn ns nt ph pl pp pr ps pt
    rc rd rg rk rl rm rn rp rr rs rt rv sc sh sk sl sm sn sp ss st sw
    th tr ts tt tw wh wn wr xp xt
    ai au ay ea ee ei ey ia ie io oa oe oi oo ou oy ue ui uy ya ye yo`),
  rarePairs: words(`
    bd bj bm bs bt bv cc cq cs dg dj dl dm dn dv dw fs gd gm gt hb hl hm hn hr hs ht
    kl kr ks kw lb lc lg ln lr lw mf ml mn nf nh nj nl nq nr nv nw nz pf pn
    rb rf rh rw sb sd sf sq tb tc tf tl tm tn wb wd wk wl wm ws wt xc xh zl zz`),
  impossibleVowelPairs: words('yy'),
  onsets: words('bl br ch cl cr dr dw fl fr gl gn gr kn ph pl pr ps rh sc sh sk sl sm sn sp sq st sw th tr tw wh wr'),
};

export const LANGUAGES: readonly BigramTable[] = [SWEDISH, ENGLISH];

/** Keyboard rows (Swedish layout; the English rows are prefixes) for keyboard-walk detection. */
export const KEYBOARD_ROWS: readonly string[] = ['qwertyuiopå', 'asdfghjklöä', 'zxcvbnm'];

/**
 * Real tokens that break the structural rules (no vowel, long vowel run):
 * abbreviations, interjections and chat shorthand seen in feedback.
 */
export const ALLOWED_TOKENS: ReadonlySet<string> = words(`
  kr kl st nr mm tre hm hmm tv ps dvs sms bl mfl pga ngn ngt mvh btw thx pls wc grr psst shh
  cd dvd pc mr mrs dr vs kg km cm ml dl cl pcs nth tkr mkr sek tbh mkt wtf nvm smth queueing`);
