/**
 * What an Orphanet prevalence class means for Denmark, next to the network's rule of thumb when
 * the secretariat assesses a diagnosis. Pure arithmetic, no I/O.
 */

/** Denmark's population, the one figure every estimate is made from. */
export const DENMARK_POPULATION = 5_900_000;

/** DOMAIN.md: a diagnosis is rare when at most about 1,000 people in Denmark have it. */
export const RARITY_RULE_OF_THUMB = 1_000;

/** within: the whole range is at most the rule of thumb · straddles: it crosses it · beyond: all of it is above. */
export type RuleOfThumb = 'within' | 'straddles' | 'beyond';

export interface PeopleInDenmark {
  min: number;
  /** null: no upper bound (">1 / 1000"). */
  max: number | null;
  ruleOfThumb: RuleOfThumb;
}

/**
 * Orphadata's prevalence classes (PrevalenceClass/Name in en_product9_prev.xml) as cases per
 * population; "Unknown" and "Not yet documented" have no figure. An upper bound of "<1" is kept
 * as 1: the estimate then says "up to".
 */
const PREVALENCE_CLASSES: Readonly<Record<string, { from: number; to: number | null; per: number }>> = {
  '<1 / 1 000 000': { from: 0, to: 1, per: 1_000_000 },
  '1-9 / 1 000 000': { from: 1, to: 9, per: 1_000_000 },
  '1-9 / 100 000': { from: 1, to: 9, per: 100_000 },
  '1-5 / 10 000': { from: 1, to: 5, per: 10_000 },
  '6-9 / 10 000': { from: 6, to: 9, per: 10_000 },
  '>1 / 1000': { from: 1, to: null, per: 1_000 },
};

/** The classes with a figure, in rising order. */
export const KNOWN_PREVALENCE_CLASSES: readonly string[] = Object.keys(PREVALENCE_CLASSES);

/** How many people in Denmark a prevalence class stands for (rounded to whole people); undefined for a class without a figure. */
export function peopleInDenmark(prevalenceClass: string): PeopleInDenmark | undefined {
  const known = PREVALENCE_CLASSES[prevalenceClass.replace(/\s+/g, ' ').trim()];
  if (!known) return undefined;
  const people = (cases: number) => Math.round((cases / known.per) * DENMARK_POPULATION);
  const min = people(known.from);
  const max = known.to === null ? null : people(known.to);
  const ruleOfThumb: RuleOfThumb = max !== null && max <= RARITY_RULE_OF_THUMB ? 'within' : min > RARITY_RULE_OF_THUMB ? 'beyond' : 'straddles';
  return { min, max, ruleOfThumb };
}

export interface PrevalenceFacts {
  type: string | null;
  prevalenceClass: string | null;
  geographic: string | null;
  validationStatus: string | null;
}

/** Nearer is better: Denmark's own figure, then Europe's, then the world's, then another country's. */
const GEOGRAPHIC_RANK: Readonly<Record<string, number>> = { Denmark: 0, Europe: 1, Worldwide: 2 };

/**
 * The prevalence that best tells how many live with the disorder in Denmark: a point prevalence
 * (birth prevalence and incidence count new cases, not people living with it) with a class that
 * has a figure, the nearest area first, validated before not yet validated, else the file's order.
 */
export function bestPrevalence<P extends PrevalenceFacts>(prevalences: readonly P[]): P | undefined {
  const rank = (prevalence: P) => (GEOGRAPHIC_RANK[prevalence.geographic ?? ''] ?? 3) * 2 + (prevalence.validationStatus === 'Validated' ? 0 : 1);
  const usable = prevalences.filter((prevalence) => prevalence.type === 'Point prevalence' && prevalence.prevalenceClass !== null && peopleInDenmark(prevalence.prevalenceClass));
  return usable.reduce<P | undefined>((best, prevalence) => (best === undefined || rank(prevalence) < rank(best) ? prevalence : best), undefined);
}
