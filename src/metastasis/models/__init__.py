"""Published models of metastasis, each in its own module with citation and parameter table.

- `iwata2000`: size-structured colony density (Iwata, Kawasaki & Shigesada 2000).
- `hahnfeldt1999`: tumour volume under a vascular carrying capacity, with anti-angiogenic
  drugs (Hahnfeldt, Panigrahy, Folkman & Hlatky 1999).
- `benzekry`: growth laws (Benzekry et al. 2014) and the metastatic-burden model with
  dissemination μV^γ and surgery (Hartung et al. 2014; Benzekry et al. 2016).
- `newton_markov`: Markov chain of metastatic spread between sites (Newton et al. 2012, 2015).
- `boolean` (subpackage, imported on its own): Boolean pathway networks in MaBoSS format.
"""

from metastasis.models import benzekry, hahnfeldt1999, iwata2000, newton_markov

__all__ = ["benzekry", "hahnfeldt1999", "iwata2000", "newton_markov"]
