/**
 * Finds a diagnosis the network already knows (in any status) by its ORPHAcode or its name
 * (case and spacing ignored), so that applicants naming the same new diagnosis wait together.
 * Implemented by the diagnosis catalogue read model.
 */
export abstract class DiagnosisLookup {
  abstract findByCodes(codes: { name: string; orphaCode?: string }): Promise<string | undefined>;
}
