"""What it fixes: Loading the intent classifier (DIET). Rasa builds the model's weights by
training it on one example before reading the trained weights over them, with
that training step compiled as a TensorFlow graph: tracing the graph was three
quarters of a Rasa server's start-up here (about 30 s of 40). This takes the
one step eagerly, with nothing to trace, then reads the weights and prepares
prediction as Rasa does: the same weights, the same predictions. A model loaded
to be trained further (`rasa train --finetune`) is loaded by Rasa's own code.
"""

from __future__ import annotations

from typing import Any, Optional, Text, Type

import tensorflow as tf
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

_RASA_LOAD = RasaModel.load.__func__  # type: ignore[attr-defined]


def _load_model(cls: Type[RasaModel], model_file_name: Text, model_data_example: RasaModelData,
                predict_data_example: Optional[RasaModelData] = None, finetune_mode: bool = False,
                *args: Any, **kwargs: Any) -> RasaModel:
    """`RasaModel.load`, with the one training step that builds the weights taken eagerly."""
    if finetune_mode:
        return _RASA_LOAD(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                          *args, **kwargs)
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=True)
    model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
    model.run_eagerly = config.get(RUN_EAGERLY)  # prediction as configured: a traced graph by default
    model.load_weights(model_file_name)
    if predict_data_example:
        model.run_inference(predict_data_example)  # as Rasa does: trace prediction now, not on the first message
    return model


def install() -> None:
    """Replace Rasa's own method with this one, in this process."""
    RasaModel.load = classmethod(_load_model)  # type: ignore[method-assign,assignment]
