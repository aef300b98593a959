"""The development broker: kombu's filesystem transport, with every message file written whole.

kombu writes a message straight into its final file (`kombu.transport.filesystem.Channel._put`). A worker
can take that file while it is still being written, or after its writer was killed half-way, and the
worker's consumer then dies on half a message (JSONDecodeError). Here a message is written under a name the
worker does not take (`….msg.partial`) and renamed once complete: a rename within a folder is atomic, so a
worker sees a whole message or none. (Production uses Redis or RabbitMQ, which have no such gap.)
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        # The name as kombu gives it (its reader takes files named `<anything>.<queue>.msg`, oldest first).
        final = os.path.join(self.data_folder_out, f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg")
        partial = f"{final}.partial"
        try:
            with open(partial, "wb") as file:
                file.write(dumps(payload).encode())
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
