import { ApiProperty } from '@nestjs/swagger';
import type { PeopleInDenmark, RuleOfThumb } from '../diagnoses/assess-diagnosis/prevalence-estimate';
import type { OrphanetEntry, OrphanetPrevalence } from './orphanet-catalogue';

/** OpenAPI descriptions of the catalogue's answers (the shapes are OrphanetCatalogue's types). */
export class PeopleInDenmarkResponse implements PeopleInDenmark {
  @ApiProperty({ example: 6 }) min!: number;
  @ApiProperty({ type: Number, nullable: true, example: 53, description: 'null: no upper bound (">1 / 1000").' }) max!: number | null;
  @ApiProperty({ enum: ['within', 'straddles', 'beyond'], description: 'Against the rule of thumb of at most about 1,000 people in Denmark.' }) ruleOfThumb!: RuleOfThumb;
}

class Icd10ReferenceResponse {
  @ApiProperty({ example: 'Q87.4' }) code!: string;
  @ApiProperty({ type: String, nullable: true, example: 'E', description: 'E exact, NTBT narrower, BTNT broader, ND not decided.' }) mapping!: string | null;
}

class OrphanetPrevalenceResponse implements OrphanetPrevalence {
  @ApiProperty({ type: String, nullable: true, example: 'Point prevalence' }) type!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Class only' }) qualification!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '1-9 / 1 000 000' }) prevalenceClass!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Europe' }) geographic!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Validated' }) validationStatus!: string | null;
  @ApiProperty({ type: PeopleInDenmarkResponse, nullable: true, description: 'For a point prevalence with a figure: the people it stands for in Denmark (5.9 million).' })
  peopleInDenmark!: PeopleInDenmarkResponse | null;
}

class DenmarkEstimateResponse {
  @ApiProperty({ example: '1-9 / 1 000 000' }) prevalenceClass!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Europe' }) geographic!: string | null;
  @ApiProperty({ type: PeopleInDenmarkResponse }) peopleInDenmark!: PeopleInDenmarkResponse;
}

export class OrphanetEntryResponse implements OrphanetEntry {
  @ApiProperty({ example: 'ORPHA:64' }) orphaCode!: string;
  @ApiProperty({ example: 'Alström syndrome' }) name!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Disease' }) disorderType!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Disorder', description: 'Disorder, Group of disorders or Subtype of disorder.' }) disorderGroup!: string | null;
  @ApiProperty({ type: [String] }) synonyms!: string[];
  @ApiProperty({ type: [Icd10ReferenceResponse] }) icd10!: Icd10ReferenceResponse[];
  @ApiProperty({ type: [OrphanetPrevalenceResponse] }) prevalences!: OrphanetPrevalenceResponse[];
  @ApiProperty({
    type: DenmarkEstimateResponse,
    nullable: true,
    description: 'The point prevalence that best describes Denmark (Denmark, else Europe, else worldwide; validated first) and the people it stands for.',
  })
  denmark!: DenmarkEstimateResponse | null;
}
