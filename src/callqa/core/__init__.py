"""The base every layer stands on: the interaction document, errors, registries, configuration, i18n."""
