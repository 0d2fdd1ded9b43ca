import type { PatientAssociation } from '../../contracts/events/diagnosis.events';
import { invalid } from '../domain/domain-error';

/** A patient association as entered, tidied: its name is required, an empty email or web address is left out. */
export function patientAssociationOf(given: Partial<PatientAssociation> | undefined): PatientAssociation {
  const name = given?.name?.trim() ?? '';
  if (name === '') throw invalid('association-required', 'association.name', 'The patient association must be named.');
  const email = given?.email?.trim();
  const url = given?.url?.trim();
  return { name, ...(email ? { email } : {}), ...(url ? { url } : {}) };
}
