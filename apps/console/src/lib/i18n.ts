import { createContext, useContext } from 'react';
import { en } from './i18n-en';
import { id } from './i18n-id';

export type Language = 'id' | 'en';
export const LANGUAGES: readonly { code: Language; name: string }[] = [
  { code: 'id', name: 'Bahasa Indonesia' },
  { code: 'en', name: 'English' },
];
const DICTIONARIES: Record<Language, Readonly<Record<string, string>>> = { id, en };
const STORAGE = 'kopfed.console.language';

/** Bahasa Indonesia unless the user chose English on this browser. */
export function storedLanguage(): Language {
  return localStorage.getItem(STORAGE) === 'en' ? 'en' : 'id';
}

export function storeLanguage(language: Language): void {
  localStorage.setItem(STORAGE, language);
}

/** A missing key shows itself, so a gap is visible rather than blank. */
export function translator(language: Language): (key: string) => string {
  const dictionary = DICTIONARIES[language];
  return (key) => dictionary[key] ?? key;
}

export const LanguageContext = createContext<Language>('id');

export function useT(): (key: string) => string {
  return translator(useContext(LanguageContext));
}
