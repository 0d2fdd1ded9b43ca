import { bestPrevalence, DENMARK_POPULATION, KNOWN_PREVALENCE_CLASSES, peopleInDenmark, type PrevalenceFacts } from './prevalence-estimate';

describe('prevalence class -> people in Denmark', () => {
  it('is worked out from a population of 5.9 million', () => {
    expect(DENMARK_POPULATION).toBe(5_900_000);
  });

  it.each([
    ['<1 / 1 000 000', { min: 0, max: 6, ruleOfThumb: 'within' }],
    ['1-9 / 1 000 000', { min: 6, max: 53, ruleOfThumb: 'within' }],
    ['1-9 / 100 000', { min: 59, max: 531, ruleOfThumb: 'within' }],
    ['1-5 / 10 000', { min: 590, max: 2_950, ruleOfThumb: 'straddles' }],
    ['6-9 / 10 000', { min: 3_540, max: 5_310, ruleOfThumb: 'beyond' }],
    ['>1 / 1000', { min: 5_900, max: null, ruleOfThumb: 'beyond' }],
  ])('%s stands for %j', (prevalenceClass, expected) => {
    expect(peopleInDenmark(prevalenceClass)).toEqual(expected);
  });

  it('covers every class Orphadata gives a figure for', () => {
    expect(KNOWN_PREVALENCE_CLASSES).toEqual(['<1 / 1 000 000', '1-9 / 1 000 000', '1-9 / 100 000', '1-5 / 10 000', '6-9 / 10 000', '>1 / 1000']);
  });

  it('has no figure for "Unknown", "Not yet documented" or a class it does not know', () => {
    for (const prevalenceClass of ['Unknown', 'Not yet documented', '1-2 / 3']) expect(peopleInDenmark(prevalenceClass)).toBeUndefined();
  });

  it('reads a class whatever its spacing (a no-break space, doubled spaces)', () => {
    expect(peopleInDenmark(' 1-9 /\u00a01\u00a0000  000 ')).toEqual({ min: 6, max: 53, ruleOfThumb: 'within' });
  });
});

describe('the prevalence that best describes Denmark', () => {
  const prevalence = (overrides: Partial<PrevalenceFacts>): PrevalenceFacts => ({
    type: 'Point prevalence',
    prevalenceClass: '1-9 / 1 000 000',
    geographic: 'Worldwide',
    validationStatus: 'Validated',
    ...overrides,
  });

  it("prefers Denmark's own figure, then Europe's, then the world's, then another country's", () => {
    const finland = prevalence({ geographic: 'Finland' });
    const world = prevalence({ geographic: 'Worldwide' });
    const europe = prevalence({ geographic: 'Europe' });
    const denmark = prevalence({ geographic: 'Denmark', prevalenceClass: '1-9 / 100 000' });
    expect(bestPrevalence([finland, world, europe, denmark])).toBe(denmark);
    expect(bestPrevalence([finland, world, europe])).toBe(europe);
    expect(bestPrevalence([finland, world])).toBe(world);
    expect(bestPrevalence([finland])).toBe(finland);
  });

  it('takes a validated figure before one not yet validated of the same area', () => {
    const unvalidated = prevalence({ validationStatus: 'Not yet validated' });
    const validated = prevalence({ prevalenceClass: '1-9 / 100 000' });
    expect(bestPrevalence([unvalidated, validated])).toBe(validated);
  });

  it('counts only point prevalences with a figure: not births, incidence, cases or "Unknown"', () => {
    expect(
      bestPrevalence([
        prevalence({ type: 'Birth prevalence', geographic: 'Denmark' }),
        prevalence({ type: 'Annual incidence', geographic: 'Denmark' }),
        prevalence({ type: 'Cases/families', prevalenceClass: null }),
        prevalence({ prevalenceClass: 'Unknown', geographic: 'Denmark' }),
      ]),
    ).toBeUndefined();
  });
});
