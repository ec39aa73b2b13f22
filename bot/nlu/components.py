"""Rasa graph components: message language, cities and categories from the directory, safety net.

They are placed in config.yml's pipeline:
`LanguageDetector` first (it may take "Can we talk in English?" out of the text
the classifier sees), `DirectoryEntityExtractor` after the classifiers, and
`SafetyNet` last, after the FallbackClassifier.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START,
                                       ENTITY_ATTRIBUTE_TYPE, ENTITY_ATTRIBUTE_VALUE, INTENT, INTENT_NAME_KEY,
                                       INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import language, safety
from bot.categories import categories_in
from bot.places import NameIndex
from bot.normalise import fold

ORIGINAL_TEXT = "original_text"


class _Stateless(GraphComponent):
    """A component with nothing to train: configuration only."""

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.component_config = config

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> GraphComponent:
        component = cls(config)
        component.warm_up()
        return component

    def warm_up(self) -> None:
        """Load what the first message would otherwise wait for."""

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data


def _entity(kind: str, value: str, start: int, end: int, extractor: str) -> dict:
    return {ENTITY_ATTRIBUTE_TYPE: kind, ENTITY_ATTRIBUTE_VALUE: value, ENTITY_ATTRIBUTE_START: start,
            ENTITY_ATTRIBUTE_END: end, "extractor": extractor}


_NAMES = NameIndex()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(_Stateless, EntityExtractorMixin):
    """Adds a `language` entity (es/en) when the message clearly is in, or asks for, that language.

    No entity means "ambiguous": the `language` slot keeps the conversation's
    language. A clause that only asks to switch language is taken out of the
    text the classifier sees, so the rest of the message is still understood.
    """

    def warm_up(self) -> None:
        language.warm_up()
        _NAMES.names()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            found = language.detect(text, _NAMES.names().proper_nouns)
            if found is None:
                continue
            rest = language.without_request(text)
            if rest != text:
                message.set(ORIGINAL_TEXT, text)
                message.set(TEXT, rest)
            message.set(ENTITIES, [*message.get(ENTITIES, []),
                                   _entity("language", found, 0, len(rest), self.__class__.__name__)],
                        add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class DirectoryEntityExtractor(_Stateless, EntityExtractorMixin):
    """Gives each city named in the message its directory spelling, and adds `category` entities.

    Cities come from the directory (read at run time, fuzzy, accent- and
    case-insensitive) and a gazetteer of the region; a city the classifier
    found that neither knows is kept as written.
    """

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            places = _NAMES.find_cities(text)
            entities = [entity for entity in message.get(ENTITIES, [])
                        if entity[ENTITY_ATTRIBUTE_TYPE] != "city"
                        or (not places and _plausible_city(entity[ENTITY_ATTRIBUTE_VALUE]))]
            entities += [_entity("city", place.name, place.start, place.end, self.__class__.__name__)
                         for place in places]
            entities += [_entity("category", name, 0, len(text), self.__class__.__name__)
                         for name in categories_in(text)]
            message.set(ENTITIES, entities, add_to_output=True)
        return messages


def _plausible_city(value: Any) -> bool:
    folded = fold(str(value))
    return len(folded) >= 3 and folded not in language.SPANISH and folded not in language.ENGLISH


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyNet(_Stateless):
    """Turns a message that speaks of danger into the `emergency` intent, whatever the classifier said."""

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(ORIGINAL_TEXT) or message.get(TEXT) or ""
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if intent != "emergency" and safety.speaks_of_danger(text):
                chosen = {INTENT_NAME_KEY: "emergency", PREDICTED_CONFIDENCE_KEY: 1.0}
                message.set(INTENT, chosen, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [chosen, *message.get(INTENT_RANKING_KEY, [])],
                            add_to_output=True)
        return messages
