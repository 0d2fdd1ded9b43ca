import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DiagnosisChoiceDto } from './join-network.dto';

const DIAGNOSIS_ID = 'd1000000-0000-4000-8000-000000000001';
const invalidFields = async (choice: object): Promise<string[]> => (await validate(plainToInstance(DiagnosisChoiceDto, choice))).map((error) => error.property).sort();

describe('the diagnosis of a sign-up', () => {
  it('takes an existing diagnosis by id, or the name of a new one', async () => {
    expect(await invalidFields({ diagnosisId: DIAGNOSIS_ID })).toEqual([]);
    expect(await invalidFields({ name: 'Alström syndrom' })).toEqual([]);
    expect(await invalidFields({})).toEqual(['diagnosisId', 'name']);
  });

  it('checks both when both are given, so neither reaches the handler unchecked', async () => {
    expect(await invalidFields({ diagnosisId: 42, name: 'Alström syndrom' })).toEqual(['diagnosisId']);
    expect(await invalidFields({ diagnosisId: DIAGNOSIS_ID, name: { evil: true } })).toEqual(['name']);
    expect(await invalidFields({ diagnosisId: DIAGNOSIS_ID, name: 'Alström syndrom' })).toEqual([]);
  });
});
