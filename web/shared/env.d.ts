// What the bundler gives the sources: CSS imports.
declare module '*.css';
