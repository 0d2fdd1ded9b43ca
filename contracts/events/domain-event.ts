/** An event as a decide function produces it: a stored type name and its data. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

/** A value sealed under a data subject's key (see src/crypto/key-vault.ts): opaque ciphertext. */
export type Sealed<T> = string & { readonly __sealed?: T };
