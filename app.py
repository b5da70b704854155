"""The Streamlit app: `make run` (or `streamlit run app.py`). Builds the engine once per process
and settings; everything shown is rendered by `ofsted_rag.ui`."""

import streamlit as st

from ofsted_rag import ui
from ofsted_rag.config import Settings
from ofsted_rag.engine import Engine
from ofsted_rag.errors import OfstedRagError

st.set_page_config(page_title="Ofsted letters and minutes", page_icon=":material/gavel:", layout="wide")


# Keyed on the settings, so a test (or a second data folder) never gets another store's engine.
@st.cache_resource(show_spinner="Loading the model and the document store (first time only)…",
                   hash_funcs={Settings: repr})
def load_engine(settings: Settings) -> Engine:
    engine = Engine(settings)
    engine.warm_up()
    return engine


try:
    engine = load_engine(Settings.from_env())
except OfstedRagError as exc:
    st.error(str(exc))
    st.stop()

ui.render_app(engine)
